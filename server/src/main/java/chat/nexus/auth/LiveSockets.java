package chat.nexus.auth;

import chat.nexus.socketio.Socket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication for the life of a socket, not only at its handshake: this node's sockets by login
 * session, so that a session that ends (logout, a reused refresh token; on any node, see {@link
 * SessionRevocations}) ends its sockets at once with {@code session:ended {reason}} and a
 * disconnect; and a timer per socket whose token expires, which at {@code exp} (plus the leeway)
 * sends {@code token:expired} and closes the connection, so that the client reconnects with a fresh
 * token (and, being the same user, recovers its session). Every {@code checkIntervalMs} the
 * sessions of this node's sockets are checked against the store as well, so that an end whose Redis
 * message this node missed (Redis was down) still ends them.
 */
public final class LiveSockets implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveSockets.class);

  /**
   * Timers further out are re-armed in steps of this (a token of the year 9999 needs no exact
   * timer).
   */
  static final long LONGEST_TIMER_MS = 24L * 60 * 60 * 1000;

  private final Vertx vertx;
  private final Predicate<String> sessionEnded;
  private final Function<Collection<String>, Future<Set<String>>> endedOf;
  private final ConcurrentHashMap<String, Set<Socket>> bySession = new ConcurrentHashMap<>();
  private final long checkTimer;
  private volatile boolean checkFailing;

  /**
   * @param sessionEnded whether a session is already known to have ended (a socket authenticated
   *     just before its logout is ended when it is attached)
   * @param endedOf which of these sessions have ended, asked of the store every {@code
   *     checkIntervalMs}
   */
  public LiveSockets(
      Vertx vertx,
      SessionRevocations revocations,
      Predicate<String> sessionEnded,
      Function<Collection<String>, Future<Set<String>>> endedOf,
      long checkIntervalMs) {
    this.vertx = vertx;
    this.sessionEnded = sessionEnded;
    this.endedOf = endedOf;
    revocations.onRevoked(this::end);
    this.checkTimer = vertx.setPeriodic(checkIntervalMs, id -> check());
  }

  private void check() {
    List<String> sessions = List.copyOf(bySession.keySet());
    if (sessions.isEmpty()) {
      return;
    }
    endedOf
        .apply(sessions)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                done.result().forEach(sessionId -> end(sessionId, SessionEnd.REVOKED));
              } else if (!checkFailing) {
                LOG.warn(
                    "checking the sessions of open sockets failed ({}); trying again in the next round",
                    done.cause().toString());
              }
              checkFailing = done.failed();
            });
  }

  @Override
  public void close() {
    vertx.cancelTimer(checkTimer);
  }

  /** Watches a newly connected socket; call from its connection handler. */
  public void attach(Socket socket, Identity identity) {
    String sessionId = identity.sessionId();
    if (sessionId != null) {
      bySession.computeIfAbsent(sessionId, id -> ConcurrentHashMap.newKeySet()).add(socket);
    }
    Expiry expiry = identity.expires() ? new Expiry(socket, identity.expiresAt()) : null;
    socket.onDisconnect(
        reason -> {
          if (expiry != null) {
            expiry.cancel();
          }
          if (sessionId != null) {
            bySession.computeIfPresent(
                sessionId,
                (id, sockets) -> sockets.remove(socket) && sockets.isEmpty() ? null : sockets);
          }
        });
    if (sessionId != null && sessionEnded.test(sessionId)) {
      endSocket(socket, SessionEnd.REVOKED);
    }
  }

  private void end(String sessionId, String reason) {
    Set<Socket> sockets = bySession.remove(sessionId);
    if (sockets != null) {
      sockets.forEach(socket -> endSocket(socket, reason));
    }
  }

  private static void endSocket(Socket socket, String reason) {
    // On the socket's own loop: the event is written before the DISCONNECT that follows it.
    socket
        .writeLoop()
        .execute(
            () -> {
              if (socket.connected()) {
                socket.emit(SessionEnd.SESSION_ENDED_EVENT, new JsonObject().put("reason", reason));
                socket.disconnect(false);
              }
            });
  }

  /** The timer of one socket's token. */
  private final class Expiry {
    private final Socket socket;
    private final Instant at;
    private volatile long timer;
    private volatile boolean cancelled;

    Expiry(Socket socket, Instant at) {
      this.socket = socket;
      this.at = at;
      arm();
    }

    private void arm() {
      long delay =
          Math.max(1, Math.min(LONGEST_TIMER_MS, at.toEpochMilli() - System.currentTimeMillis()));
      timer = vertx.setTimer(delay, id -> socket.writeLoop().execute(this::fire));
    }

    private void fire() {
      if (cancelled || !socket.connected()) {
        return;
      }
      if (Instant.now().isBefore(at)) {
        arm();
        return;
      }
      socket.emit(SessionEnd.TOKEN_EXPIRED_EVENT, new JsonObject().put("reason", "expired"));
      socket.closeConnection();
    }

    void cancel() {
      cancelled = true;
      vertx.cancelTimer(timer);
    }
  }
}
