package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.TestServer;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Tokens of an identity provider with asymmetric keys (Supabase's current signing keys, any OIDC
 * provider), verified against a JWKS that a local HTTP server (port 0) serves with keys this test
 * makes: ES256 and RS256 accepted over REST and on the socket, a key published later (rotation)
 * found, and every forgery refused: an algorithm that does not match the key, HS256 signed with the
 * public key, "none", the wrong issuer or audience, no exp, expired beyond the leeway.
 */
class JwksTest {

  private static final String ISSUER = "https://project.supabase.co/auth/v1";
  private static final String AUDIENCE = "authenticated";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A JWKS endpoint whose keys the test changes, counting its requests. */
  static final class Jwks implements AutoCloseable {
    final List<JsonObject> keys = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer http;

    Jwks() throws Exception {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext(
          "/auth/v1/.well-known/jwks.json",
          exchange -> {
            requests.incrementAndGet();
            byte[] body =
                new JsonObject()
                    .put("keys", new JsonArray(List.copyOf(keys)))
                    .encode()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      http.start();
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort() + "/auth/v1/.well-known/jwks.json";
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  record Key(String kid, String alg, KeyPair pair) {
    static Key ec(String kid) throws Exception {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new Key(kid, "ES256", generator.generateKeyPair());
    }

    static Key rsa(String kid) throws Exception {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new Key(kid, "RS256", generator.generateKeyPair());
    }

    /** The public JWK, as Supabase publishes it. */
    JsonObject jwk() {
      JsonObject jwk = new JsonObject().put("kid", kid).put("alg", alg).put("use", "sig");
      if (pair.getPublic() instanceof ECPublicKey ec) {
        return jwk.put("kty", "EC")
            .put("crv", "P-256")
            .put("x", B64.encodeToString(unsigned(ec.getW().getAffineX(), 32)))
            .put("y", B64.encodeToString(unsigned(ec.getW().getAffineY(), 32)));
      }
      RSAPublicKey rsa = (RSAPublicKey) pair.getPublic();
      return jwk.put("kty", "RSA")
          .put("n", B64.encodeToString(unsigned(rsa.getModulus(), 0)))
          .put("e", B64.encodeToString(unsigned(rsa.getPublicExponent(), 0)));
    }

    String sign(JsonObject claims) throws Exception {
      return sign(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid), claims);
    }

    String sign(JsonObject header, JsonObject claims) throws Exception {
      String input =
          B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
              + "."
              + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
      Signature signature =
          Signature.getInstance(
              alg.equals("ES256") ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      signature.initSign((PrivateKey) pair.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    }
  }

  static byte[] unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (length == 0 || bytes.length == length) {
      return bytes;
    }
    byte[] padded = new byte[length];
    System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
    return padded;
  }

  static JsonObject claims(String userId) {
    return Jwt.supabaseClaims(userId, "Key Holder", 3600).put("iss", ISSUER).put("aud", AUDIENCE);
  }

  static Map<String, String> env(Jwks jwks, String minRefreshMs) {
    return Map.of(
        "JWT_JWKS_URL",
        jwks.url(),
        "JWT_ISSUER",
        ISSUER,
        "JWT_AUDIENCE",
        AUDIENCE,
        "JWT_JWKS_MIN_REFRESH_MS",
        minRefreshMs);
  }

  static int status(TestServer server, String token) {
    return server.rest().get("/api/rooms/lobby/messages", token).status();
  }

  @Test
  void es256AndRs256TokensOfTheProvidersKeysAreAcceptedAndARotatedKeyIsFound() throws Exception {
    try (Jwks jwks = new Jwks()) {
      Key ec = Key.ec("ec-1");
      Key rsa = Key.rsa("rsa-1");
      jwks.keys.add(ec.jwk());
      jwks.keys.add(rsa.jwk());
      try (TestServer server = TestServer.start(Backend.H2, env(jwks, "0"))) {
        String ann = UUID.randomUUID().toString();
        // an OIDC provider's own session id ("sid") is no session of ours
        String es = ec.sign(claims(ann).put("sid", "provider-session-" + UUID.randomUUID()));
        assertThat(status(server, es)).isEqualTo(200);
        assertThat(server.query("SELECT kind FROM users WHERE id = ?", ann))
            .containsExactly(Map.of("kind", "external"));
        assertThat(status(server, rsa.sign(claims(UUID.randomUUID().toString())))).isEqualTo(200);
        try (Client socket = server.connect(es)) {
          JsonObject joined = socket.call("room:join", new JsonObject().put("roomId", "jwks"));
          assertThat(joined.getJsonArray("members").getList()).contains(ann);
        }
        // our own HS256 tokens go on working beside them
        assertThat(status(server, server.guest("Guest").getString("token"))).isEqualTo(200);

        // rotation: the provider publishes a new key and signs with it; an unknown kid makes us
        // fetch again
        Key rotated = Key.ec("ec-2");
        String before = rotated.sign(claims(UUID.randomUUID().toString()));
        jwks.keys.add(rotated.jwk());
        assertThat(status(server, before)).isEqualTo(200);
      }
    }
  }

  @Test
  void forgeriesAndWrongClaimsAreRefused() throws Exception {
    try (Jwks jwks = new Jwks()) {
      Key ec = Key.ec("ec-1");
      Key rsa = Key.rsa("rsa-1");
      jwks.keys.add(ec.jwk());
      jwks.keys.add(rsa.jwk());
      try (TestServer server = TestServer.start(Backend.H2, env(jwks, "0"))) {
        String user = UUID.randomUUID().toString();
        assertThat(status(server, ec.sign(claims(user)))).isEqualTo(200); // the keys are there

        // the RSA key's kid, but an EC signature under an RS256 header, and the reverse
        Key ecUnderRsaName = new Key("rsa-1", "ES256", ec.pair());
        assertThat(
                status(
                    server,
                    ecUnderRsaName.sign(
                        new JsonObject().put("alg", "RS256").put("kid", "rsa-1"), claims(user))))
            .isEqualTo(401);
        assertThat(status(server, ecUnderRsaName.sign(claims(user)))).isEqualTo(401);
        // HS256 keyed with the provider's public key (the classic algorithm confusion)
        for (Key key : List.of(ec, rsa)) {
          assertThat(
                  status(
                      server, hs256(key.pair().getPublic().getEncoded(), key.kid(), claims(user))))
              .isEqualTo(401);
          assertThat(
                  status(
                      server,
                      hs256(
                          key.jwk().encode().getBytes(StandardCharsets.UTF_8),
                          key.kid(),
                          claims(user))))
              .isEqualTo(401);
        }
        // alg none, no signature
        String none =
            B64.encodeToString(
                    "{\"alg\":\"none\",\"kid\":\"ec-1\"}".getBytes(StandardCharsets.UTF_8))
                + "."
                + B64.encodeToString(claims(user).encode().getBytes(StandardCharsets.UTF_8))
                + ".";
        assertThat(status(server, none)).isEqualTo(401);
        // a key that is not in the set
        assertThat(status(server, Key.ec("ec-1").sign(claims(user)))).isEqualTo(401);

        assertThat(status(server, ec.sign(claims(user).put("iss", "https://evil.example/auth/v1"))))
            .isEqualTo(401);
        assertThat(status(server, ec.sign(claims(user).put("aud", "someone-else")))).isEqualTo(401);
        JsonObject noExp = claims(user);
        noExp.remove("exp");
        assertThat(status(server, ec.sign(noExp))).isEqualTo(401);
        long now = System.currentTimeMillis() / 1000;
        assertThat(status(server, ec.sign(claims(user).put("exp", now - 60))))
            .as("beyond the 30 s leeway")
            .isEqualTo(401);
        assertThat(status(server, ec.sign(claims(user).put("exp", now - 5))))
            .as("within the leeway")
            .isEqualTo(200);
        assertThat(status(server, ec.sign(claims(user).put("sub", 42)))).isEqualTo(401);
      }
    }
  }

  @Test
  void madeUpKeyIdsDoNotMakeUsHammerTheProvider() throws Exception {
    try (Jwks jwks = new Jwks()) {
      Key ec = Key.ec("ec-1");
      jwks.keys.add(ec.jwk());
      try (TestServer server = TestServer.start(Backend.H2, env(jwks, "60000"))) {
        String user = UUID.randomUUID().toString();
        assertThat(status(server, ec.sign(claims(user)))).isEqualTo(200);
        int fetched = jwks.requests.get();
        for (int i = 0; i < 30; i++) {
          Key stranger = new Key("garbage-" + i, "ES256", ec.pair());
          assertThat(status(server, stranger.sign(claims(user)))).isEqualTo(401);
        }
        assertThat(jwks.requests.get() - fetched)
            .as("fetches caused by 30 unknown key ids")
            .isLessThanOrEqualTo(1);
        assertThat(status(server, ec.sign(claims(user)))).isEqualTo(200);
      }
    }
  }

  static String hs256(byte[] secret, String kid, JsonObject claims) throws Exception {
    String input =
        B64.encodeToString(
                new JsonObject()
                    .put("alg", "HS256")
                    .put("typ", "JWT")
                    .put("kid", kid)
                    .encode()
                    .getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }
}
