package chat.nexus.auth;

import chat.nexus.config.ConfigException;
import chat.nexus.config.Settings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token checking, external keys (JWKS), the login rate limit and the password hashing pool, read
 * from the environment; each bad value is one line of a {@link ConfigException}.
 *
 * @param leewaySeconds clock difference tolerated on {@code exp}, {@code nbf} and {@code iat}
 *     (JWT_LEEWAY_SECONDS)
 * @param allowNoExp whether tokens without {@code exp} are accepted (JWT_ALLOW_NO_EXP): they could
 *     never be ended by time, so only for an identity provider that cannot add one
 * @param jwksUrl where the public keys of an identity provider are (JWT_JWKS_URL), for ES256/RS256
 *     tokens
 * @param issuer the {@code iss} those tokens must carry (JWT_ISSUER), when set
 * @param audience the {@code aud} values one of which those tokens must carry (JWT_AUDIENCE), when
 *     set
 * @param jwksMinRefreshMs least time between two key fetches caused by an unknown key id
 *     (JWT_JWKS_MIN_REFRESH_MS): tokens with made-up key ids cannot make us hammer the provider
 * @param loginRateMax sign-up and login attempts per client address per window
 *     (LOGIN_RATE_LIMIT_MAX)
 * @param loginRateWindowMs that window (LOGIN_RATE_LIMIT_WINDOW_MS)
 * @param hashThreads threads hashing passwords (PASSWORD_HASH_THREADS)
 * @param hashQueue hashings that may wait for a thread before sign-ups and logins answer
 *     UNAVAILABLE (PASSWORD_HASH_QUEUE)
 * @param sessionCheckMs how often a node checks in the database that the sessions of its open
 *     sockets are still active (SESSION_CHECK_INTERVAL_MS): the bound on a logout whose Redis
 *     message it missed
 */
public record AuthOptions(
    long leewaySeconds,
    boolean allowNoExp,
    Optional<URI> jwksUrl,
    Optional<String> issuer,
    List<String> audience,
    long jwksMinRefreshMs,
    int loginRateMax,
    long loginRateWindowMs,
    int hashThreads,
    int hashQueue,
    long sessionCheckMs) {

  /**
   * Clocks of servers and identity providers drift by seconds; half a minute absorbs that and no
   * more.
   */
  public static final long DEFAULT_LEEWAY_SECONDS = 30;

  /**
   * Supabase and most OIDC providers rotate keys rarely; a fetch every 30 s at most on unknown key
   * ids.
   */
  public static final long DEFAULT_JWKS_MIN_REFRESH_MS = 30_000;

  /**
   * A person mistyping a password tries a few times a minute; a password-guessing script thousands.
   * Ten per minute per address keeps the first and stops the second (a shared NAT may need more).
   */
  public static final int DEFAULT_LOGIN_RATE_MAX = 10;

  public static final long DEFAULT_LOGIN_RATE_WINDOW_MS = 60_000;

  /**
   * Argon2 takes a core for tens of milliseconds per hash: half the cores at most, so that a login
   * flood leaves the event loops theirs.
   */
  public static final int DEFAULT_HASH_THREADS =
      Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  /**
   * Hashings waiting beyond these would answer later than a client waits; they are refused at once.
   */
  public static final int DEFAULT_HASH_QUEUE = 32;

  /** One batched query a minute per node; Redis normally brings a session's end at once. */
  public static final long DEFAULT_SESSION_CHECK_MS = 60_000;

  /** The defaults, overridden by the environment. */
  public static AuthOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    long leeway = s.wholeNumber("JWT_LEEWAY_SECONDS", DEFAULT_LEEWAY_SECONDS, 0, 600);
    boolean allowNoExp = s.bool("JWT_ALLOW_NO_EXP", false);
    Optional<URI> jwks = url(s, "JWT_JWKS_URL");
    Optional<String> issuer = Optional.ofNullable(s.raw("JWT_ISSUER"));
    List<String> audience = s.list("JWT_AUDIENCE");
    long minRefresh =
        s.wholeNumber("JWT_JWKS_MIN_REFRESH_MS", DEFAULT_JWKS_MIN_REFRESH_MS, 0, 3_600_000);
    long loginMax = s.wholeNumber("LOGIN_RATE_LIMIT_MAX", DEFAULT_LOGIN_RATE_MAX, 1, 1_000_000);
    long loginWindow =
        s.wholeNumber(
            "LOGIN_RATE_LIMIT_WINDOW_MS", DEFAULT_LOGIN_RATE_WINDOW_MS, 1_000, 86_400_000);
    long threads = s.wholeNumber("PASSWORD_HASH_THREADS", DEFAULT_HASH_THREADS, 1, 256);
    long queue = s.wholeNumber("PASSWORD_HASH_QUEUE", DEFAULT_HASH_QUEUE, 0, 100_000);
    long sessionCheck =
        s.wholeNumber("SESSION_CHECK_INTERVAL_MS", DEFAULT_SESSION_CHECK_MS, 100, 3_600_000);
    s.check();
    return new AuthOptions(
        leeway,
        allowNoExp,
        jwks,
        issuer,
        audience,
        minRefresh,
        (int) loginMax,
        loginWindow,
        (int) threads,
        (int) queue,
        sessionCheck);
  }

  /** For the start-up log line: which tokens are accepted, and the hashing pool. */
  public String description() {
    return "HS256 with JWT_SECRET"
        + jwksUrl.map(url -> ", ES256/RS256 with the keys of " + url.getHost()).orElse("")
        + "; exp "
        + (allowNoExp ? "optional (JWT_ALLOW_NO_EXP)" : "required")
        + ", leeway "
        + leewaySeconds
        + " s; password hashing: "
        + hashThreads
        + " threads, "
        + hashQueue
        + " waiting at most";
  }

  private static Optional<URI> url(Settings settings, String name) {
    Optional<String> raw = Optional.ofNullable(settings.raw(name));
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.get());
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    settings.problem(name + " must be an http(s) URL, got '" + raw.get() + "'");
    return Optional.empty();
  }
}
