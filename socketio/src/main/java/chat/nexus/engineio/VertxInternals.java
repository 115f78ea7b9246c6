package chat.nexus.engineio;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The only place this library uses Vert.x's internal API ({@code io.vertx.core.internal}, {@code
 * *.impl}), which Vert.x keeps for its own use and may change in any release: after an upgrade of
 * Vert.x, this class is what to check (the websocket tests and the protocol suites cover each use).
 * Each method says what the public API lacks.
 */
final class VertxInternals {

  private VertxInternals() {}

  /**
   * The Netty handler of the Vert.x connection a request arrived on, from which the websocket
   * upgrade takes the channel over. The public API only upgrades to Vert.x's own ServerWebSocket,
   * which costs several times our whole per-connection budget (see {@link WebSocketUpgrade}).
   */
  static ChannelHandlerContext connectionHandler(HttpServerRequest request) {
    return ((ConnectionBase) request.connection()).channelHandlerContext();
  }

  /**
   * The Netty event loop behind an event-loop context. Sessions schedule their timers on it
   * (Netty's scheduler: no Vert.x timer id or map entry per ping) and ask it whether the calling
   * thread is already theirs; {@link Context} has no accessor for it.
   */
  static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /**
   * Runs the task at once on the calling thread, which must be the context's event loop, with the
   * context as the current one, so that the task may use context-bound APIs (timers, promises,
   * executeBlocking). The public {@link Context#runOnContext} would queue it behind everything else
   * on the loop, which would reorder a session's events against the frames of the same turn.
   */
  static void dispatch(Context context, Runnable task) {
    ((ContextInternal) context).dispatch(task);
  }
}
