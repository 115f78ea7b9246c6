package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Access tokens (vertx-auth-jwt) and opaque refresh tokens. Accepted: HS256 tokens signed with
 * JWT_SECRET (ours, and Supabase's legacy ones), and with JWT_JWKS_URL ES256/RS256 tokens signed by
 * the provider's keys (Supabase's current keys, any OIDC provider); {@code sub} (a string) names
 * the user, {@code exp} is required (unless JWT_ALLOW_NO_EXP) and honoured with JWT_LEEWAY_SECONDS,
 * {@code name} is the display name.
 */
public final class Tokens {

  /** Access tokens are short-lived; the refresh token gets a new one. */
  public static final long ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

  /** Guests have no password to log in again with, so their token lasts a day. */
  public static final long GUEST_TOKEN_TTL_SECONDS = 24 * 60 * 60;

  public static final long REFRESH_TOKEN_TTL_SECONDS = 30L * 24 * 60 * 60;
  private static final int REFRESH_TOKEN_BYTES = 32;
  private static final String SESSION_CLAIM = "sid";

  /** A JOSE header is a few dozen characters; a longer one is not decoded. */
  private static final int MAX_HEADER_CHARS = 2_048;

  /** Year 9999: an {@code exp} beyond it is taken as that (Instant cannot hold every long). */
  private static final long LATEST_EXP_SECONDS = 253_402_300_799L;

  /** Asymmetric algorithms accepted from JWT_JWKS_URL keys; each key verifies only its own. */
  static final Set<String> ASYMMETRIC =
      Set.of("ES256", "ES384", "RS256", "RS384", "RS512", "PS256");

  private static final String HS256 = "HS256";

  private final JWTAuth jwt;
  private final Optional<JwksKeys> jwks;
  private final AuthOptions options;
  private final SecureRandom random = new SecureRandom();

  public Tokens(Vertx vertx, String secret, AuthOptions options) {
    this.options = options;
    this.jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .setJWTOptions(new JWTOptions().setLeeway((int) options.leewaySeconds()))
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(HS256).setBuffer(secret)));
    this.jwks =
        options
            .jwksUrl()
            .map(
                url -> {
                  JWTOptions checks = new JWTOptions().setLeeway((int) options.leewaySeconds());
                  options.issuer().ifPresent(checks::setIssuer);
                  if (!options.audience().isEmpty()) {
                    checks.setAudience(options.audience());
                  }
                  return new JwksKeys(vertx, url, checks, options.jwksMinRefreshMs());
                });
  }

  /** A signed access token for this identity. */
  public String issue(Identity identity, long ttlSeconds) {
    JsonObject claims = new JsonObject().put("sub", identity.userId()).put("name", identity.name());
    if (identity.sessionId() != null) {
      claims.put(SESSION_CLAIM, identity.sessionId());
    }
    return jwt.generateToken(
        claims, new JWTOptions().setAlgorithm(HS256).setExpiresInSeconds((int) ttlSeconds));
  }

  /**
   * Checks signature, expiry (with the leeway) and, for tokens of JWT_JWKS_URL keys, issuer and
   * audience; fails with UNAUTHORIZED. HS256 tokens are checked with JWT_SECRET only, the
   * asymmetric ones with the provider's keys only, so no token can pass one key off as the other
   * kind (algorithm confusion). Does not look at revocation (see AuthService).
   */
  public Future<Identity> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("missing token"));
    }
    JsonObject header = header(token);
    String alg = header == null ? null : header.getValue("alg") instanceof String a ? a : null;
    Future<User> checked;
    boolean secret = HS256.equals(alg);
    if (secret) {
      checked = authenticate(jwt, token);
    } else if (alg != null && ASYMMETRIC.contains(alg) && jwks.isPresent()) {
      checked = jwks.get().verify(token, header.getValue("kid") instanceof String kid ? kid : null);
    } else {
      return Future.failedFuture(ApiException.unauthorized("invalid token"));
    }
    return checked
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired token")))
        .compose(user -> identity(user, secret));
  }

  /**
   * The identity of a verified token. Only tokens signed with our secret name one of our login
   * sessions: an OIDC provider's {@code sid} is its own session, unknown to us.
   */
  private Future<Identity> identity(User user, boolean ours) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
      return Future.failedFuture(
          ApiException.unauthorized("the token's subject (sub) must be a string"));
    }
    if (sub.startsWith(Identity.CHARACTER_PREFIX)) {
      return Future.failedFuture(ApiException.unauthorized("this subject (sub) is reserved"));
    }
    Object exp = claims.getValue("exp");
    Instant expiresAt;
    if (exp instanceof Number seconds) {
      expiresAt =
          Instant.ofEpochSecond(Math.min(seconds.longValue(), LATEST_EXP_SECONDS))
              .plusSeconds(options.leewaySeconds());
    } else if (exp == null && options.allowNoExp()) {
      expiresAt = Identity.NEVER;
    } else {
      return Future.failedFuture(ApiException.unauthorized("the token has no expiry (exp)"));
    }
    String name = claims.getValue("name") instanceof String n && !n.isBlank() ? n : sub;
    String session = ours && claims.getValue(SESSION_CLAIM) instanceof String s ? s : null;
    return Future.succeededFuture(new Identity(sub, name, session, expiresAt));
  }

  /**
   * vertx-auth-jwt's check, whose malformed-claim failures (an {@code exp} that is text) may be
   * thrown.
   */
  static Future<User> authenticate(JWTAuth auth, String token) {
    try {
      return auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The token's JOSE header, or null when it is not one. */
  private static JsonObject header(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot > MAX_HEADER_CHARS) {
      return null;
    }
    try {
      return new JsonObject(
          new String(
              Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
  }

  public void close() {
    jwks.ifPresent(JwksKeys::close);
  }

  /** A new random refresh token (shown to the client once). */
  public String newRefreshToken() {
    byte[] bytes = new byte[REFRESH_TOKEN_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** What the database keeps of a refresh token. */
  public static String hashRefreshToken(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** A short random id for users and sessions. */
  public String newId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(bytes)
        .replace('-', 'x')
        .replace('_', 'y');
  }
}
