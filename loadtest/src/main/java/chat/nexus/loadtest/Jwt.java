package chat.nexus.loadtest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JSON Web Tokens (RFC 7519), signed with the JDK's HMAC: just enough to mint test users. */
final class Jwt {
  static final String HS256_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  private static final String HMAC = "HmacSHA256";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Jwt() {}

  /** {@code base64url(header) . base64url(claims) . base64url(HMAC-SHA256(key, signing input))}. */
  static String hs256(byte[] key, String headerJson, String claimsJson) {
    String input = encode(headerJson) + "." + encode(claimsJson);
    return input + "." + B64URL.encodeToString(hmac(key, input));
  }

  /**
   * A token for user {@code sub} with display name {@code name}, expiring at {@code
   * expEpochSeconds}.
   */
  static String user(byte[] key, String sub, String name, long expEpochSeconds) {
    // sub and name come from this program (no characters that need JSON escaping)
    return hs256(
        key,
        HS256_HEADER,
        "{\"sub\":\"" + sub + "\",\"name\":\"" + name + "\",\"exp\":" + expEpochSeconds + "}");
  }

  private static String encode(String json) {
    return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, String input) {
    try {
      Mac mac = Mac.getInstance(HMAC); // cheap next to a handshake; a Mac is not thread-safe
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
