package chat.nexus.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * Login sessions. A session holds the SHA-256 of its current refresh token; refreshing rotates it, logging
 * out ends the session, and access tokens or cookies naming an ended session are refused. In the database
 * ({@link DatabaseSessionStore}) or in Redis ({@link RedisSessionStore}, REDIS_SESSION_URL or REDIS_URL).
 */
public interface SessionStore {

  /** A session. */
  record Session(String id, String userId, Instant expiresAt, boolean revoked) {
    public boolean isActive(Instant now) {
      return !revoked && expiresAt.isAfter(now);
    }
  }

  Future<Void> create(String id, String userId, String refreshTokenHash, Instant expiresAt);

  Future<Optional<Session>> findById(String id);

  /**
   * Replaces the refresh token {@code oldHash} of an active session by {@code newHash}, valid until
   * {@code expiresAt}; the session, or empty when no active session has that token (unknown, rotated
   * meanwhile, expired or revoked). Atomic: of two refreshes with one token, one wins.
   */
  Future<Optional<Session>> rotate(String oldHash, String newHash, Instant expiresAt);

  /** Ends a session: its refresh token and its access tokens stop working. */
  Future<Void> revoke(String id);
}
