package chat.nexus.usage;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.llm.FakeUpstream;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL: a user's tokens spent on one count against the quota on the other,
 * and the counts a node holds when it stops are written before its database pool closes.
 */
class UsageAcrossNodesTest {

  @Test
  void theQuotaHoldsOnEveryNodeAndAStoppedNodeLosesNothing() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeUpstream upstream = FakeUpstream.start(vertx);
        TestRedis redis = new TestRedis();
        Backend.Prepared database = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.putAll(database.env());
      env.put("LLM_BASE_URL", upstream.baseUrl());
      env.put("LLM_API_KEYS", "sk-fake-upstream-key-0123456789");
      env.put("LLM_QUOTA_DAILY_TOKENS", "25"); // 10 a reply: the fourth is refused
      try (TestServer a = TestServer.start(Backend.H2, env);
          TestServer b = TestServer.start(Backend.H2, env)) {
        String token = a.guest("Traveller").getString("token");
        String mira =
            a.rest()
                .get("/api/characters", token)
                .assertOk(200)
                .getJsonArray("characters")
                .getJsonObject(0)
                .getString("id");
        Client onA = a.connect(token);
        for (int i = 0; i < 3; i++) {
          assertThat(UsageCases.turn(onA, mira).getBoolean("ok")).as("turn %d on a", i).isTrue();
        }
        a.chatServer().stop(); // what SIGTERM ends in: the counts written before the pool closes

        JsonObject usage =
            b.rest().get("/api/me/usage", token).assertOk(200).getJsonObject("usage");
        assertThat(usage.getJsonObject("today").getLong("total")).isEqualTo(30);
        Client onB = b.connect(token);
        JsonObject refused = UsageCases.turn(onB, mira);
        assertThat(refused.getBoolean("ok")).isFalse();
        assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("QUOTA_EXCEEDED");
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
