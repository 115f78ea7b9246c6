package chat.nexus.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The web client's session cookie: {@code nexus_session=<session id>.<HMAC-SHA256 of it with
 * SESSION_SECRET>}, HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site POSTs,
 * fetches or websocket handshakes), Secure in production, Path=/, Domain=COOKIE_DOMAIN when set. It
 * names a login session, so logout (or any revocation) ends it on every node at once, like the
 * session's refresh token.
 */
public final class SessionCookie {

  public static final String NAME = "nexus_session";
  private static final String ALGORITHM = "HmacSHA256";
  private static final String CONTEXT = "nexus-session-cookie:";

  private final SecretKeySpec key;
  private final boolean secure;
  private final String domain;

  public SessionCookie(String secret, boolean secure, String domain) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.secure = secure;
    this.domain = domain;
  }

  /** The cookie for a session, lasting {@code maxAgeSeconds}. */
  public Cookie issue(String sessionId, long maxAgeSeconds) {
    return attributes(Cookie.cookie(NAME, sessionId + "." + sign(sessionId)))
        .setMaxAge(maxAgeSeconds);
  }

  /** A cookie that removes the session cookie from the browser. */
  public Cookie clear() {
    return attributes(Cookie.cookie(NAME, "")).setMaxAge(0);
  }

  private Cookie attributes(Cookie cookie) {
    cookie.setHttpOnly(true).setSecure(secure).setPath("/").setSameSite(CookieSameSite.LAX);
    if (domain != null) {
      cookie.setDomain(domain);
    }
    return cookie;
  }

  /** The session id of a cookie value whose signature holds. */
  public Optional<String> verify(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int dot = value.lastIndexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String sessionId = value.substring(0, dot);
    byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected = sign(sessionId).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, expected) ? Optional.of(sessionId) : Optional.empty();
  }

  /** The session cookie's value in a Cookie request header, or null. */
  public static String fromHeader(String cookieHeader) {
    if (cookieHeader == null) {
      return null;
    }
    for (String part : cookieHeader.split(";")) {
      String p = part.trim();
      if (p.startsWith(NAME + "=")) {
        return p.substring(NAME.length() + 1);
      }
    }
    return null;
  }

  private String sign(String sessionId) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest = mac.doFinal((CONTEXT + sessionId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
