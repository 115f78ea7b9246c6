package chat.nexus.auth;

/**
 * Why the server ends a socket's authentication, as the client hears it. {@code session:ended
 * {reason}} (then a disconnect the client does not retry by itself): sign in again. {@code
 * token:expired} (then the connection closes, and the official client reconnects by itself): get a
 * fresh token first.
 */
public final class SessionEnd {

  /** Event: the login session is over. */
  public static final String SESSION_ENDED_EVENT = "session:ended";

  /** Event: the socket's access token reached its {@code exp}. */
  public static final String TOKEN_EXPIRED_EVENT = "token:expired";

  /** The user signed out (on any device or tab of this session). */
  public static final String LOGOUT = "logout";

  /**
   * A refresh token of the session was used twice (a sign it was stolen): the session is closed.
   */
  public static final String REFRESH_TOKEN_REUSED = "refresh_token_reused";

  /** The session was ended on the server for another reason. */
  public static final String REVOKED = "revoked";

  private SessionEnd() {}
}
