package chat.nexus.http;

import chat.nexus.ratelimit.ClientAddress;
import chat.nexus.runtime.VertxInternals;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every HTTP connection against the node's and its address's caps and puts a {@link
 * ConnectionWatch} (request head and body deadlines) on it, from the HTTP server's connection
 * handler. With HTTP/2 cleartext off, Vert.x calls that handler as soon as a connection is
 * accepted, before it sends a byte.
 *
 * <p>It works on the connection's Netty channel ({@link VertxInternals#channel}): Vert.x offers an
 * idle timeout (any byte restarts it) but no deadline for a request head or body, so a client
 * trickling a byte a minute would hold its connection forever; and a websocket taken over by the
 * Engine.IO transport no longer reports its close to Vert.x, so only the channel says when to
 * uncount it.
 */
public final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final String HANDLER_NAME = "nexus-connection-watch";

  /** Vert.x's name for its connection handler, the last in an HTTP/1.x pipeline. */
  private static final String VERTX_HANDLER_NAME = "handler";

  private final ConnectionLimits limits;
  private final ClientAddress addresses;
  private final Set<String> overflowPaths;
  private final ConnectionCounts counts;

  /**
   * @param overflowPaths what a connection over the node's cap may still ask for (the health
   *     checks, so that a load balancer sees the node alive but full)
   */
  public ConnectionGuard(
      ConnectionLimits limits, ClientAddress addresses, Set<String> overflowPaths) {
    this.limits = limits;
    this.addresses = addresses;
    this.overflowPaths = Set.copyOf(overflowPaths);
    this.counts = new ConnectionCounts(limits.maxConnections(), limits.maxConnectionsPerAddress());
  }

  /** For {@code HttpServer.connectionHandler}: counts the connection and watches it. */
  public Handler<HttpConnection> connectionHandler() {
    return this::accept;
  }

  /** Open HTTP connections (websockets included) on this node. */
  public int openConnections() {
    return counts.total();
  }

  private void accept(HttpConnection connection) {
    Optional<Channel> backing = VertxInternals.channel(connection);
    if (backing.isEmpty()) {
      return; // an HTTP/2 connection (TLS with ALPN): not counted
    }
    Channel channel = backing.get();
    String peer =
        channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
            ? inet.getAddress().getHostAddress()
            : String.valueOf(channel.remoteAddress());
    String key = ClientAddress.key(peer);
    boolean exempt = addresses.isTrusted(peer);
    ConnectionCounts.Admission admission = counts.open(key, exempt);
    Runnable uncount = () -> counts.close(key, exempt);
    if (admission == ConnectionCounts.Admission.REFUSED) {
      LOG.debug(
          "refusing a connection from {}: {} already open", key, limits.maxConnectionsPerAddress());
      uncount.run();
      channel.close();
      return;
    }
    boolean overflow = admission == ConnectionCounts.Admission.OVERFLOW;
    if (overflow) {
      LOG.debug(
          "connection from {} over the node's cap of {}: health checks only",
          key,
          limits.maxConnections());
    }
    // unfinished bodies count per address while the per-address caps are on, and never for a
    // trusted proxy
    ConnectionCounts bodies = exempt || limits.maxConnectionsPerAddress() <= 0 ? null : counts;
    ConnectionWatch watch =
        new ConnectionWatch(limits, key, overflow, overflowPaths, uncount, bodies);
    if (channel.pipeline().get(VERTX_HANDLER_NAME) != null) {
      channel.pipeline().addBefore(VERTX_HANDLER_NAME, HANDLER_NAME, watch);
    } else {
      channel.pipeline().addLast(HANDLER_NAME, watch);
    }
  }
}
