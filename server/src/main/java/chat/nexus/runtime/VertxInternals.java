package chat.nexus.runtime;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every use of Vert.x's internal API by the server, in one place: Vert.x marks these classes for
 * its own use, so an upgrade of Vert.x may change them without notice. Each method says why the
 * public API does not do the job; when an upgrade breaks one, this file is where to look.
 */
public final class VertxInternals {

  private VertxInternals() {}

  /**
   * The Netty channel under an HTTP/1.x connection, or empty for one Vert.x does not back by a
   * channel of its own (HTTP/2). Vert.x's public API offers an idle timeout (any byte restarts it)
   * but no deadline for a request head or body, and a websocket taken over by the Engine.IO
   * transport no longer reports its close to Vert.x; the connection guard needs the channel's
   * pipeline for both (a handler of its own, and the channel's close).
   */
  public static Optional<Channel> channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base
        ? Optional.of(base.channel())
        : Optional.empty();
  }

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
