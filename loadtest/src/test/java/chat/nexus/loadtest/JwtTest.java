package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtTest {
  @Test
  void signsRfc7515ExampleA1() {
    // RFC 7515 appendix A.1: HS256 over a header and claims with CRLFs in them, key given as a JWK
    // "k"
    byte[] key =
        Base64.getUrlDecoder()
            .decode(
                "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    String token =
        Jwt.hs256(
            key,
            "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}",
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
    assertThat(token)
        .isEqualTo(
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  }

  @Test
  void userTokenCarriesTheClaimsTheServerReads() {
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    String[] parts = Jwt.user(key, "lt-1-42", "lt 42", 1_900_000_000L).split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(new JsonObject(decode(parts[0])))
        .isEqualTo(new JsonObject().put("alg", "HS256").put("typ", "JWT"));
    assertThat(new JsonObject(decode(parts[1])))
        .isEqualTo(
            new JsonObject().put("sub", "lt-1-42").put("name", "lt 42").put("exp", 1_900_000_000L));
    assertThat(parts[2]).doesNotContain("=", "+", "/"); // base64url without padding
  }

  @Test
  void chatClientsAreNamedPerWorkerAndIndex() {
    ChatProtocol p = new ChatProtocol("0123456789abcdef0123456789abcdef", 1, 10, 100);
    assertThat(p.sub(42)).isEqualTo("lt-1-42");
    assertThat(p.connectPacket(42, 2)).startsWith("40{\"token\":\"eyJ").endsWith("\"}");
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }
}
