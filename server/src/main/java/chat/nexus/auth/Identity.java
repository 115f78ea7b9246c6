package chat.nexus.auth;

import java.time.Instant;

/**
 * Who is calling: the user id (the token's {@code sub}), a display name, the login session the
 * token belongs to (null for tokens from an external identity provider), and when the credential
 * stops being accepted ({@link #NEVER} for a session cookie, which lasts as long as its session).
 */
public record Identity(String userId, String name, String sessionId, Instant expiresAt) {

  public static final Instant NEVER = Instant.MAX;

  /**
   * User ids starting so are the characters that speak in rooms: no token may name one, so nobody
   * sends as a character.
   */
  public static final String CHARACTER_PREFIX = "character:";

  public Identity(String userId, String name, String sessionId) {
    this(userId, name, sessionId, NEVER);
  }

  /** Whether the credential ends by time (a token's {@code exp}, plus the leeway). */
  public boolean expires() {
    return !NEVER.equals(expiresAt);
  }
}
