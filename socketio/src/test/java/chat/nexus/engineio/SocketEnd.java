package chat.nexus.engineio;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The socket's end of an {@link EmbeddedChannel} pipeline (put it first): counts the flushes that
 * reach the socket, can play a client that reads nothing (its flushes are held back, so written
 * bytes stay in the outbound buffer), and runs a {@link Runnable} written inbound as one turn of
 * the event loop. An embedded channel runs its queued tasks (such as the flush batcher) after each
 * operation called from outside: a turn is one such operation, {@link #turn}.
 */
final class SocketEnd extends ChannelDuplexHandler {

  int flushes;
  boolean stalled;

  static void turn(EmbeddedChannel channel, Runnable work) {
    channel.writeInbound(work);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Runnable work) {
      work.run();
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    flushes++;
    if (!stalled) {
      ctx.flush();
    }
  }
}
