package chat.nexus.testing;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs HS256 JWTs by hand, as an external identity provider (Supabase) would. */
public final class Jwt {

  private Jwt() {}

  public static String sign(String secret, JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + b64.encodeToString(signature);
    } catch (Exception e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }

  /**
   * A Supabase-style access token: sub = a UUID, aud "authenticated", role, email, name, exp; no
   * sid.
   */
  public static JsonObject supabaseClaims(String userId, String name, long expiresInSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject()
        .put("aud", "authenticated")
        .put("exp", now + expiresInSeconds)
        .put("iat", now - 10)
        .put("iss", "https://example.supabase.co/auth/v1")
        .put("sub", userId)
        .put("email", "someone@example.com")
        .put("role", "authenticated")
        .put("name", name);
  }
}
