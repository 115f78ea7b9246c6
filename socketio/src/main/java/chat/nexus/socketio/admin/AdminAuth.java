package chat.nexus.socketio.admin;

import chat.nexus.socketio.ConnectError;
import chat.nexus.socketio.Middleware;
import chat.nexus.socketio.Socket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin namespace's middleware, as the reference instrument's basic auth: the handshake's
 * {@code {username, password}}, or the {@code {sessionId}} a successful login got (the UI keeps it
 * to reconnect after a reload). A refusal is {@code connect_error} "invalid credentials", which the
 * UI shows on its login form. Refused attempts are counted per client address: past the limit,
 * every attempt from that address is refused without a check until its minute is over.
 *
 * <p>Sessions live on the node that made them, for {@link #SESSION_TTL_MS}: behind a load balancer
 * without sticky sessions the UI may have to log in again after a reload.
 */
final class AdminAuth implements Middleware {

  static final String INVALID = "invalid credentials";
  static final String TOO_MANY = "too many failed attempts, try again in a minute";

  /** The reference RedisStore's session duration. */
  static final long SESSION_TTL_MS = 24 * 3_600_000L;

  /** Sessions kept at most; the oldest go first (each login makes one). */
  static final int MAX_SESSIONS = 1_000;

  /**
   * Addresses whose failures are counted, about at most: a flood of new addresses forgets those
   * still under the limit, never one held off.
   */
  static final int MAX_ADDRESSES = 10_000;

  private static final long WINDOW_MS = 60_000;

  /** The key in a socket's data under which a new session id waits for the connection handler. */
  private static final String NEW_SESSION = "_adminNewSession";

  private record Failures(long windowStart, int count) {}

  private final AdminUiOptions options;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Long> sessions = new ConcurrentHashMap<>();
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  AdminAuth(AdminUiOptions options) {
    this.options = options;
  }

  @Override
  public Future<Void> apply(Socket socket) {
    long now = System.currentTimeMillis();
    String address = options.addressOf().apply(socket.handshake());
    Failures counted = failures.get(address);
    if (counted != null
        && now - counted.windowStart() < WINDOW_MS
        && counted.count() >= options.failedAttemptsPerMinute()) {
      return Future.failedFuture(new ConnectError(TOO_MANY));
    }
    JsonObject auth = socket.handshake().auth();
    if (auth.getValue("sessionId") instanceof String sessionId && validSession(sessionId, now)) {
      return Future.succeededFuture();
    }
    if (auth.getValue("username") instanceof String user
        && auth.getValue("password") instanceof String pass
        && options.credentials().test(user, pass)) {
      socket.data().put(NEW_SESSION, newSession(now));
      return Future.succeededFuture();
    }
    failed(address, now);
    return Future.failedFuture(new ConnectError(INVALID));
  }

  /** The session id a login just made for this socket, once; null after a session login. */
  static String takeNewSession(Socket socket) {
    return (String) socket.data().remove(NEW_SESSION);
  }

  /** Forgets expired sessions and past failure windows. */
  void sweep() {
    long now = System.currentTimeMillis();
    sessions.values().removeIf(expiry -> expiry <= now);
    failures.values().removeIf(f -> now - f.windowStart() >= WINDOW_MS);
  }

  private boolean validSession(String id, long now) {
    Long expiry = sessions.get(id);
    return expiry != null && expiry > now;
  }

  private String newSession(long now) {
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.entrySet().stream()
          .min(Map.Entry.comparingByValue())
          .ifPresent(oldest -> sessions.remove(oldest.getKey()));
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    sessions.put(id, now + SESSION_TTL_MS);
    return id;
  }

  private void failed(String address, long now) {
    if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) {
      // Forgetting every address would lift the hold-off of one that sent the flood first.
      failures
          .values()
          .removeIf(
              f ->
                  now - f.windowStart() >= WINDOW_MS
                      || f.count() < options.failedAttemptsPerMinute());
    }
    failures.compute(
        address,
        (a, f) ->
            f == null || now - f.windowStart() >= WINDOW_MS
                ? new Failures(now, 1)
                : new Failures(f.windowStart(), f.count() + 1));
  }
}
