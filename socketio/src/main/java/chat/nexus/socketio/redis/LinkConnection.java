package chat.nexus.socketio.redis;

import chat.nexus.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import java.lang.System.Logger.Level;

/**
 * One of a {@link RedisLink}'s two connections: opened, watched, and opened again with backoff
 * whenever it fails or ends, until the link closes. Everything but {@link #current()} runs on the
 * link's context.
 */
final class LinkConnection {

  private static final System.Logger LOG = System.getLogger(LinkConnection.class.getName());

  /** What the link hears from the connection, on the link's context. */
  interface Owner {
    /** A new connection is open (after the first try or a reconnection). */
    void opened(LinkConnection which, RedisConnection connection);

    /** An attempt to connect failed; {@code firstInARow} when the one before had not failed. */
    void cannotConnect(LinkConnection which, Throwable cause, boolean firstInARow);

    /** The open connection ended or broke; a new one is on its way. */
    void lost(LinkConnection which, Throwable cause);
  }

  private final RedisLink.Role role;
  private final Vertx vertx;
  private final Context context;
  private final Redis client;
  private final Backoff backoff;
  private final Owner owner;
  private final String endpoint;
  private volatile RedisConnection current;
  private int failuresInARow;
  private boolean closed;

  LinkConnection(
      RedisLink.Role role,
      Vertx vertx,
      Context context,
      Redis client,
      Backoff backoff,
      String endpoint,
      Owner owner) {
    this.role = role;
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.backoff = backoff;
    this.endpoint = endpoint;
    this.owner = owner;
  }

  RedisLink.Role role() {
    return role;
  }

  /** The open connection, or null while there is none; any thread. */
  RedisConnection current() {
    return current;
  }

  /** Opens the connection; retries with backoff when that fails, closes it if the link closed. */
  void open() {
    if (closed) {
      return;
    }
    client
        .connect()
        .onComplete(
            result -> {
              if (closed) {
                if (result.succeeded()) {
                  result.result().close();
                }
                return;
              }
              if (result.failed()) {
                owner.cannotConnect(this, result.cause(), failuresInARow == 0);
                retry();
                return;
              }
              RedisConnection connection = result.result();
              connection.exceptionHandler(e -> broken(connection, e));
              connection.endHandler(v -> ended(connection, closedCause()));
              failuresInARow = 0;
              current = connection;
              owner.opened(this, connection);
            });
  }

  private void retry() {
    if (closed) {
      return;
    }
    long delay = backoff.delayMs(failuresInARow++);
    vertx.setTimer(delay, t -> context.runOnContext(v -> open()));
  }

  /**
   * An error on a connection. Vert.x's Redis client reports a broken connection (reset, write or
   * parse failure) here and, with assertions enabled, never calls the end handler after it; only
   * "result is already complete" leaves the connection usable.
   */
  void broken(RedisConnection connection, Throwable error) {
    LOG.log(Level.DEBUG, () -> "Redis " + name() + " connection error", error);
    if (error instanceof IllegalStateException) {
      return;
    }
    ended(connection, error);
  }

  /**
   * A connection ended (or failed): if it is the current one, it is closed (once: a second close
   * hands a pooled socket back twice) and replaced. Called once or twice per connection. A cluster
   * connection is one socket per node and reports the end of any of them: the others are closed too
   * (their subscriptions would deliver twice after the replay), and the new connection reads the
   * cluster's slots afresh (a promoted replica).
   */
  private void ended(RedisConnection connection, Throwable cause) {
    if (closed || current != connection) {
      return;
    }
    current = null;
    try {
      connection.close();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "closing the Redis " + name() + " connection failed", e);
    }
    owner.lost(this, cause);
    retry();
  }

  private VertxException closedCause() {
    return new VertxException("connection to " + endpoint + " closed", true);
  }

  /** "publisher" or "subscriber", as log lines name the connection. */
  String name() {
    return role.toString();
  }

  Future<Void> close() {
    closed = true;
    RedisConnection connection = current;
    current = null;
    return connection == null ? Future.succeededFuture() : connection.close();
  }
}
