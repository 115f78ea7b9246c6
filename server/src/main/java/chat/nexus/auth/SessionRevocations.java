package chat.nexus.auth;

import chat.nexus.redis.SharedRedis;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node that a login session has ended (logout, a reused refresh token), so that each
 * drops it from its caches and ends its sockets at once: this node directly, the others through
 * Redis pub/sub (REDIS_SESSION_URL, default REDIS_URL). The database stays the record: a node that
 * missed a message (Redis down) still refuses the session once its cached "active" expires
 * (AuthService), and its sockets when their token does.
 */
public final class SessionRevocations {

  private static final Logger LOG = LoggerFactory.getLogger(SessionRevocations.class);
  static final String CHANNEL = "sessions:revoked";

  private final Optional<SharedRedis> redis;
  private final String nodeId;
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

  public SessionRevocations(Optional<SharedRedis> redis, String nodeId) {
    this.redis = redis;
    this.nodeId = nodeId;
    redis.ifPresent(r -> r.subscribe(r.key(CHANNEL), this::received));
  }

  /** Calls {@code listener} with (session id, reason) for every session that ends, on any node. */
  public void onRevoked(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }

  /** A session has ended on this node: tell the listeners here and the other nodes. */
  public void revoked(String sessionId, String reason) {
    notifyListeners(sessionId, reason);
    redis.ifPresent(
        r ->
            r.publish(
                r.key(CHANNEL),
                new JsonObject()
                    .put("node", nodeId)
                    .put("session", sessionId)
                    .put("reason", reason)
                    .encode()));
  }

  private void received(String message) {
    try {
      JsonObject json = new JsonObject(message);
      if (!nodeId.equals(json.getString("node"))
          && json.getValue("session") instanceof String session) {
        notifyListeners(
            session,
            json.getValue("reason") instanceof String reason ? reason : SessionEnd.REVOKED);
      }
    } catch (RuntimeException e) {
      LOG.debug("ignoring a malformed session revocation: {}", e.toString());
    }
  }

  private void notifyListeners(String sessionId, String reason) {
    for (BiConsumer<String, String> listener : listeners) {
      try {
        listener.accept(sessionId, reason);
      } catch (RuntimeException e) {
        LOG.error("a session revocation listener failed", e);
      }
    }
  }
}
