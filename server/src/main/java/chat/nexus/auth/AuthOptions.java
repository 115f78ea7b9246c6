package chat.nexus.auth;

import chat.nexus.config.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Token checking, external keys (JWKS), the login rate limit and the password hashing pool, read from the
 * environment; each bad value is one line of a {@link ConfigException}.
 *
 * @param leewaySeconds clock difference tolerated on {@code exp}, {@code nbf} and {@code iat} (JWT_LEEWAY_SECONDS)
 * @param allowNoExp whether tokens without {@code exp} are accepted (JWT_ALLOW_NO_EXP): they could never be
 *     ended by time, so only for an identity provider that cannot add one
 * @param jwksUrl where the public keys of an identity provider are (JWT_JWKS_URL), for ES256/RS256 tokens
 * @param issuer the {@code iss} those tokens must carry (JWT_ISSUER), when set
 * @param audience the {@code aud} values one of which those tokens must carry (JWT_AUDIENCE), when set
 * @param jwksMinRefreshMs least time between two key fetches caused by an unknown key id
 *     (JWT_JWKS_MIN_REFRESH_MS): tokens with made-up key ids cannot make us hammer the provider
 * @param loginRateMax sign-up and login attempts per client address per window (LOGIN_RATE_LIMIT_MAX)
 * @param loginRateWindowMs that window (LOGIN_RATE_LIMIT_WINDOW_MS)
 * @param hashThreads threads hashing passwords (PASSWORD_HASH_THREADS)
 * @param hashQueue hashings that may wait for a thread before sign-ups and logins answer UNAVAILABLE
 *     (PASSWORD_HASH_QUEUE)
 * @param sessionCheckMs how often a node checks in the database that the sessions of its open sockets
 *     are still active (SESSION_CHECK_INTERVAL_MS): the bound on a logout whose Redis message it missed
 */
public record AuthOptions(long leewaySeconds, boolean allowNoExp, Optional<URI> jwksUrl, Optional<String> issuer,
    List<String> audience, long jwksMinRefreshMs, int loginRateMax, long loginRateWindowMs, int hashThreads, int hashQueue,
    long sessionCheckMs) {

  /** Clocks of servers and identity providers drift by seconds; half a minute absorbs that and no more. */
  public static final long DEFAULT_LEEWAY_SECONDS = 30;
  /** Supabase and most OIDC providers rotate keys rarely; a fetch every 30 s at most on unknown key ids. */
  public static final long DEFAULT_JWKS_MIN_REFRESH_MS = 30_000;
  /**
   * A person mistyping a password tries a few times a minute; a password-guessing script thousands. Ten per
   * minute per address keeps the first and stops the second (a shared NAT may need more).
   */
  public static final int DEFAULT_LOGIN_RATE_MAX = 10;
  public static final long DEFAULT_LOGIN_RATE_WINDOW_MS = 60_000;
  /**
   * Argon2 takes a core for tens of milliseconds per hash: half the cores at most, so that a login flood
   * leaves the event loops theirs.
   */
  public static final int DEFAULT_HASH_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  /** Hashings waiting beyond these would answer later than a client waits; they are refused at once. */
  public static final int DEFAULT_HASH_QUEUE = 32;
  /** One batched query a minute per node; Redis normally brings a session's end at once. */
  public static final long DEFAULT_SESSION_CHECK_MS = 60_000;

  public static AuthOptions defaults() {
    return new AuthOptions(DEFAULT_LEEWAY_SECONDS, false, Optional.empty(), Optional.empty(), List.of(),
        DEFAULT_JWKS_MIN_REFRESH_MS, DEFAULT_LOGIN_RATE_MAX, DEFAULT_LOGIN_RATE_WINDOW_MS, DEFAULT_HASH_THREADS, DEFAULT_HASH_QUEUE,
        DEFAULT_SESSION_CHECK_MS);
  }

  /** The defaults, overridden by the environment. */
  public static AuthOptions fromEnv(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    long leeway = number(env, problems, "JWT_LEEWAY_SECONDS", 0, 600, DEFAULT_LEEWAY_SECONDS);
    boolean allowNoExp = bool(env, problems, "JWT_ALLOW_NO_EXP");
    Optional<URI> jwks = url(env, problems, "JWT_JWKS_URL");
    Optional<String> issuer = text(env, "JWT_ISSUER");
    List<String> audience = text(env, "JWT_AUDIENCE")
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
    long minRefresh = number(env, problems, "JWT_JWKS_MIN_REFRESH_MS", 0, 3_600_000, DEFAULT_JWKS_MIN_REFRESH_MS);
    long loginMax = number(env, problems, "LOGIN_RATE_LIMIT_MAX", 1, 1_000_000, DEFAULT_LOGIN_RATE_MAX);
    long loginWindow = number(env, problems, "LOGIN_RATE_LIMIT_WINDOW_MS", 1_000, 86_400_000, DEFAULT_LOGIN_RATE_WINDOW_MS);
    long threads = number(env, problems, "PASSWORD_HASH_THREADS", 1, 256, DEFAULT_HASH_THREADS);
    long queue = number(env, problems, "PASSWORD_HASH_QUEUE", 0, 100_000, DEFAULT_HASH_QUEUE);
    long sessionCheck = number(env, problems, "SESSION_CHECK_INTERVAL_MS", 100, 3_600_000, DEFAULT_SESSION_CHECK_MS);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new AuthOptions(leeway, allowNoExp, jwks, issuer, audience, minRefresh, (int) loginMax, loginWindow, (int) threads, (int) queue,
        sessionCheck);
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    String raw = env.get(name);
    return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.trim());
  }

  private static long number(Map<String, String> env, List<String> problems, String name, long min, long max, long fallback) {
    Optional<String> raw = text(env, name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + " must be a whole number from " + min + " to " + max + ", got '" + raw.get() + "'");
    return fallback;
  }

  private static boolean bool(Map<String, String> env, List<String> problems, String name) {
    Optional<String> raw = text(env, name).map(v -> v.toLowerCase(Locale.ROOT));
    if (raw.isEmpty() || raw.get().equals("false")) {
      return false;
    }
    if (raw.get().equals("true")) {
      return true;
    }
    problems.add(name + " must be true or false, got '" + raw.get() + "'");
    return false;
  }

  private static Optional<URI> url(Map<String, String> env, List<String> problems, String name) {
    Optional<String> raw = text(env, name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.get());
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    problems.add(name + " must be an http(s) URL, got '" + raw.get() + "'");
    return Optional.empty();
  }
}
