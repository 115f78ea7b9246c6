package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * HS256 access tokens (vertx-auth-jwt) and opaque refresh tokens. Any HS256 token signed with JWT_SECRET
 * whose {@code sub} names the user is accepted, so Supabase tokens work as they are; {@code exp} is
 * honoured and {@code name} used as the display name.
 */
public final class Tokens {

  /** Access tokens are short-lived; the refresh token gets a new one. */
  public static final long ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
  /** Guests have no password to log in again with, so their token lasts a day. */
  public static final long GUEST_TOKEN_TTL_SECONDS = 24 * 60 * 60;
  public static final long REFRESH_TOKEN_TTL_SECONDS = 30L * 24 * 60 * 60;
  private static final int REFRESH_TOKEN_BYTES = 32;
  private static final String SESSION_CLAIM = "sid";

  private final JWTAuth jwt;
  private final SecureRandom random = new SecureRandom();

  public Tokens(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }

  /** A signed access token for this identity. */
  public String issue(Identity identity, long ttlSeconds) {
    JsonObject claims = new JsonObject().put("sub", identity.userId()).put("name", identity.name());
    if (identity.sessionId() != null) {
      claims.put(SESSION_CLAIM, identity.sessionId());
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds));
  }

  /** Checks signature and expiry; fails with UNAUTHORIZED. Does not look at revocation (see AuthService). */
  public Future<Identity> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("missing token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired token")))
        .compose(user -> {
          JsonObject claims = user.principal();
          String sub = claims.getString("sub");
          if (sub == null || sub.isBlank()) {
            return Future.failedFuture(ApiException.unauthorized("token has no subject"));
          }
          String name = claims.getValue("name") instanceof String n && !n.isBlank() ? n : sub;
          String session = claims.getValue(SESSION_CLAIM) instanceof String s ? s : null;
          return Future.succeededFuture(new Identity(sub, name, session));
        });
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
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** A short random id for users and sessions. */
  public String newId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).replace('-', 'x').replace('_', 'y');
  }
}
