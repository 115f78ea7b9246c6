package chat.nexus.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rate limits against real servers: shared through the real Redis, local, on REST, sockets and the
 * LLM path.
 */
class RateLimitTest {

  private static final String HISTORY = "/api/rooms/lobby/messages";

  private static Map<String, String> limits(int max, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("RATE_LIMIT_ENABLED", "true");
    env.put("RATE_LIMIT_MAX", String.valueOf(max));
    env.put("RATE_LIMIT_WINDOW_MS", "60000");
    return env;
  }

  @Test
  void oneUsersRequestsOverTwoNodesAreLimitedAsOne() {
    try (TestRedis redis = new TestRedis();
        TestServer a = TestServer.start(Backend.H2, limits(100, redis.env()));
        TestServer b = TestServer.start(Backend.H2, limits(100, redis.env()))) {
      // an identity provider's token: these two test nodes have a database each, so a session of
      // our own
      // (which lives in the database real nodes share) would be known to one of them only
      String token =
          Jwt.sign(
              TestServer.SECRET,
              Jwt.supabaseClaims("spread-" + java.util.UUID.randomUUID(), "S", 600));
      int passed = 0;
      int refused = 0;
      for (int i = 0; i < 150; i++) {
        Rest.Response response = (i % 2 == 0 ? a : b).rest().get(HISTORY, token);
        if (response.status() == 200) {
          passed++;
        } else {
          response.assertError(429, "RATE_LIMITED");
          refused++;
        }
      }
      assertThat(passed).isBetween(98, 102);
      assertThat(passed + refused).isEqualTo(150);
    }
  }

  @Test
  void refusalsCarryRetryAfterTheRateLimitHeadersAndTheErrorShape() {
    try (TestRedis redis = new TestRedis();
        TestServer server = TestServer.start(Backend.H2, limits(3, redis.env()))) {
      String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims("headers-user", "H", 600));
      for (int i = 0; i < 3; i++) {
        Rest.Response ok = server.rest().get(HISTORY, token);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(2 - i));
      }
      Rest.Response refused = server.rest().get(HISTORY, token).assertError(429, "RATE_LIMITED");
      long retryAfter = Long.parseLong(refused.header("Retry-After"));
      assertThat(retryAfter).isBetween(1L, 60L);
      assertThat(refused.json().getJsonObject("error").getLong("retryAfter")).isEqualTo(retryAfter);
      assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
      long reset = Long.parseLong(refused.header("X-RateLimit-Reset"));
      assertThat(reset)
          .isBetween(System.currentTimeMillis() / 1000, System.currentTimeMillis() / 1000 + 61);
      assertThat(redis.keys()).anyMatch(k -> k.contains("rl:api:user:headers-user"));
      String metrics = server.rest().get("/metrics").body();
      assertThat(metrics).containsPattern("nexus_rate_limited_total\\{limit=\"api\"} [1-9]");
      // what the limiter adds to each request, timed: the 4 checks above (and any the /metrics call
      // made)
      assertThat(metrics)
          .containsPattern("nexus_rate_limit_check_seconds_count ([4-9]|[1-9][0-9]+)\\b");
    }
  }

  @Test
  void socketEventsAreRefusedWithRateLimitedAndRetryAfter() {
    try (TestRedis redis = new TestRedis();
        TestServer server = TestServer.start(Backend.H2, limits(3, redis.env()))) {
      Client client = server.connectGuest("chatty");
      for (int i = 0; i < 3; i++) {
        assertThat(
                client.call("room:join", new JsonObject().put("roomId", "r" + i)).getBoolean("ok"))
            .isTrue();
      }
      JsonObject refused = client.call("room:join", new JsonObject().put("roomId", "r4"));
      Rest.assertErrorShape(refused, "RATE_LIMITED");
      assertThat(refused.getJsonObject("error").getLong("retryAfter")).isBetween(1L, 60L);
    }
  }

  @Test
  void companionMessagesHaveAStricterLimitOnTheSocketAndOverRest() {
    Map<String, String> env =
        limits(100, Map.of("RATE_LIMIT_LLM_MAX", "2", "RATE_LIMIT_LLM_WINDOW_MS", "60000"));
    try (TestServer server = TestServer.start(Backend.H2, env)) {
      Client client = server.connectGuest("asker");
      JsonObject message =
          new JsonObject().put("characterId", "no-such-character").put("text", "hi");
      for (int i = 0; i < 2; i++) {
        Rest.assertErrorShape(
            client.call("companion:message", message),
            "NOT_FOUND"); // counted, then refused by the service
      }
      Rest.assertErrorShape(client.call("companion:message", message), "RATE_LIMITED");
      assertThat(
              client
                  .call("room:join", new JsonObject().put("roomId", "still-fine"))
                  .getBoolean("ok"))
          .isTrue();

      String token = server.guest("rest-asker").getString("token");
      String path = "/api/companions/no-such-character/messages";
      server
          .rest()
          .post(path, new JsonObject().put("text", "a"), token)
          .assertError(404, "NOT_FOUND");
      server
          .rest()
          .post(path, new JsonObject().put("text", "b"), token)
          .assertError(404, "NOT_FOUND");
      Rest.Response refused =
          server
              .rest()
              .post(path, new JsonObject().put("text", "c"), token)
              .assertError(429, "RATE_LIMITED");
      assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("2");
      assertThat(server.rest().get(HISTORY, token).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutRedisTheLimitIsPerNodeAndAnonymousCallersArePerAddress() {
    try (TestServer server = TestServer.start(Backend.H2, limits(5, Map.of()))) {
      for (int i = 0; i < 5; i++) {
        assertThat(server.rest().get("/api/characters").status()).isEqualTo(200);
      }
      // X-Forwarded-For from an untrusted peer is not believed: same address, same budget
      server
          .rest()
          .getWithHeaders("/api/characters", Map.of("X-Forwarded-For", "203.0.113.9"))
          .assertError(429, "RATE_LIMITED");
      String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims("local-user", "L", 600));
      assertThat(server.rest().get(HISTORY, token).status()).isEqualTo(200);
    }
  }

  @Test
  void forwardedAddressesCountFromTrustedProxiesOnly() {
    try (TestServer server =
        TestServer.start(Backend.H2, limits(2, Map.of("TRUST_PROXY", "loopback")))) {
      for (String client : new String[] {"203.0.113.1", "203.0.113.2"}) {
        for (int i = 0; i < 2; i++) {
          assertThat(
                  server
                      .rest()
                      .getWithHeaders("/api/characters", Map.of("X-Forwarded-For", client))
                      .status())
              .isEqualTo(200);
        }
        server
            .rest()
            .getWithHeaders("/api/characters", Map.of("X-Forwarded-For", client))
            .assertError(429, "RATE_LIMITED");
      }
    }
  }

  @Test
  void offInDevelopmentUnlessSwitchedOn() {
    try (TestServer server = TestServer.start(Backend.H2, Map.of("RATE_LIMIT_MAX", "1"))) {
      for (int i = 0; i < 5; i++) {
        Rest.Response response = server.rest().get("/api/characters");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-RateLimit-Limit")).isNull();
      }
    }
  }

  @Test
  void anUnreachableRedisLetsRequestsThroughAndSaysSo() {
    Map<String, String> env =
        limits(
            1,
            Map.of(
                "REDIS_URL",
                "redis://127.0.0.1:1",
                "REDIS_SESSION_URL",
                "",
                "REDIS_KEY_PREFIX",
                "unreachable:"));
    try (TestServer server = TestServer.start(Backend.H2, env)) {
      String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims("open-user", "O", 600));
      for (int i = 0; i < 3; i++) {
        assertThat(server.rest().get(HISTORY, token).status()).isEqualTo(200);
      }
      String metrics = server.rest().get("/metrics").body();
      assertThat(metrics).containsPattern("nexus_rate_limit_errors_total [1-9]");
      assertThat(metrics).contains("nexus_redis_up 0.0");
    }
  }
}
