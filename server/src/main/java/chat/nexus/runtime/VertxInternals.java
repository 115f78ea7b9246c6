package chat.nexus.runtime;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's only calls into Vert.x internals ({@code io.vertx.core.internal}, which Vert.x marks
 * for its own use and may change in any release). Each method says why the public API cannot do its
 * job, so that an upgrade of Vert.x has one place to check.
 */
public final class VertxInternals {

  private VertxInternals() {}

  // LLM client

  /**
   * A context on each of Vert.x's event loops, so that the LLM client can open upstream connections
   * on every loop before the first call (LLM_PRECONNECT). The public API hands out event-loop
   * contexts on loops of its own choosing and has no way to list them all.
   */
  public static List<Context> eventLoopContexts(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    List<Context> contexts = new ArrayList<>();
    for (EventExecutor executor : internal.nettyEventLoopGroup()) {
      contexts.add(internal.contextBuilder().withEventLoop((EventLoop) executor).build());
    }
    return contexts;
  }
}
