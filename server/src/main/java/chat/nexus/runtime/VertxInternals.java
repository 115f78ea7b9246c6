package chat.nexus.runtime;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Optional;

/**
 * Every use of Vert.x's internal API by the server, in one place: Vert.x marks these classes for
 * its own use, so an upgrade of Vert.x may change them without notice. Each method says why the
 * public API does not do the job; when an upgrade breaks one, this file is where to look.
 */
public final class VertxInternals {

  private VertxInternals() {}

  // Server

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
}
