package chat.nexus.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * Login sessions, kept in the database (the record every node trusts; Redis only spreads the news
 * of a session's end, see SessionRevocations). A session holds the SHA-256 of its current refresh
 * token; refreshing rotates it, logging out ends the session, and access tokens or cookies naming
 * an ended session are refused. The tokens a session rotated away from are remembered, so that
 * their reuse is recognised.
 */
public interface SessionStore {

  /** A session. */
  record Session(String id, String userId, Instant expiresAt, boolean revoked) {
    public boolean isActive(Instant now) {
      return !revoked && expiresAt.isAfter(now);
    }
  }

  /** What a refresh token was worth. */
  sealed interface Rotation {
    /** It was the session's current token, now replaced. */
    record Rotated(Session session) implements Rotation {}

    /**
     * It had been replaced already, {@code retiredAt}: used again, it was presented twice (a client
     * retrying or racing itself, or a thief).
     */
    record Reused(String sessionId, Instant retiredAt) implements Rotation {}

    /** Unknown, or its session has ended. */
    record Refused() implements Rotation {}
  }

  Future<Void> create(String id, String userId, String refreshTokenHash, Instant expiresAt);

  Future<Optional<Session>> findById(String id);

  /**
   * Replaces the refresh token {@code oldHash} of an active session by {@code newHash}, valid until
   * {@code expiresAt}, and remembers the old one. Atomic: of two refreshes with one token, one wins
   * and the other sees {@link Rotation.Reused}.
   */
  Future<Rotation> rotate(String oldHash, String newHash, Instant expiresAt);

  /** Ends a session: its refresh token and its access tokens stop working. */
  Future<Void> revoke(String id);

  /** Those of these sessions that are no longer active (revoked, expired or unknown). */
  Future<java.util.Set<String>> ended(java.util.Collection<String> ids);

  /**
   * Forgets replaced refresh tokens retired before {@code before} (they would have expired anyway).
   */
  Future<Integer> pruneRetired(Instant before);
}
