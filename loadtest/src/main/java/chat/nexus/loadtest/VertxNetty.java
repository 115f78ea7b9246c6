package chat.nexus.loadtest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

/**
 * The two Vert.x internals the swarm uses, in one place: a context's Netty event loop and the
 * transport's channel factory, so that the load tool's plain Netty channels (a lean WebSocket
 * client per connection, {@link Conn}) live on Vert.x's own loops with its transport (epoll when
 * available). Vert.x marks these types for its own use, so an upgrade may move them; nothing else
 * in the module touches them.
 */
final class VertxNetty {
  private VertxNetty() {}

  /** The Netty event loop that runs {@code context}'s tasks. */
  static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /** Client (not domain-socket) channels of the transport {@code vertx} runs on. */
  static ChannelFactory<? extends Channel> channelFactory(Vertx vertx) {
    return ((VertxInternal) vertx).transport().channelFactory(false);
  }
}
