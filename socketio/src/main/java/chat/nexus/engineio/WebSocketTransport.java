package chat.nexus.engineio;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.List;

/**
 * The websocket transport. Frames are encoded once ({@link OutFrame#webSocketFrame()}) and written as
 * raw bytes below Vert.x's websocket encoder, then flushed once per event-loop turn by
 * {@link FlushBatcher}. Netty's outbound buffer holds what the client has not read; its high-water mark is
 * the per-connection buffer limit.
 */
final class WebSocketTransport extends Transport {

  static final String NAME = "websocket";
  private static final short CLOSE_NORMAL = 1000;

  private final ServerWebSocket webSocket;
  private final ChannelHandlerContext ctx;
  private final Channel channel;
  private final EventLoop eventLoop;
  private final Runnable onOverLimit;
  boolean flushPending;
  private boolean closed;

  WebSocketTransport(ServerWebSocket webSocket, int maxBufferedBytes, Runnable onOverLimit) {
    this.webSocket = webSocket;
    this.ctx = ((WebSocketInternal) webSocket).channelHandlerContext();
    this.channel = ctx.channel();
    this.eventLoop = channel.eventLoop();
    this.onOverLimit = onOverLimit;
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(maxBufferedBytes / 2, maxBufferedBytes));
  }

  @Override
  String name() {
    return NAME;
  }

  EventLoop eventLoop() {
    return eventLoop;
  }

  ServerWebSocket webSocket() {
    return webSocket;
  }

  @Override
  void send(List<OutFrame> frames) {
    if (eventLoop.inEventLoop()) {
      write(frames);
    } else {
      eventLoop.execute(() -> write(frames));
    }
  }

  void send(OutFrame frame) {
    if (eventLoop.inEventLoop()) {
      write(frame);
    } else {
      eventLoop.execute(() -> write(frame));
    }
  }

  private void write(List<OutFrame> frames) {
    for (int i = 0; i < frames.size(); i++) {
      write(frames.get(i));
    }
  }

  /** Writes one frame; must run on the channel's event loop. */
  void write(OutFrame frame) {
    if (closed) {
      return;
    }
    ctx.write(Unpooled.wrappedBuffer(frame.webSocketFrame()), ctx.voidPromise());
    FlushBatcher.markDirty(this);
    if (!channel.isWritable()) {
      onOverLimit.run();
    }
  }

  void flushNow() {
    if (!closed) {
      ctx.flush();
    }
  }

  @Override
  boolean writable() {
    return !closed && channel.isWritable();
  }

  @Override
  long bufferedBytes() {
    return channel.isActive() ? channel.unsafe().outboundBuffer() == null ? 0 : channel.unsafe().outboundBuffer().totalPendingWriteBytes() : 0;
  }

  @Override
  void close(boolean notifyClient) {
    closeWith(CLOSE_NORMAL, null);
  }

  /** Closes with a websocket status code and reason the client can see. */
  void closeWith(short status, String reason) {
    if (eventLoop.inEventLoop()) {
      doClose(status, reason);
    } else {
      eventLoop.execute(() -> doClose(status, reason));
    }
  }

  private void doClose(short status, String reason) {
    if (closed) {
      return;
    }
    ctx.flush();
    closed = true;
    if (!webSocket.isClosed()) {
      webSocket.close(status, reason);
    }
  }

  boolean isClosed() {
    return closed;
  }
}
