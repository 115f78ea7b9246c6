package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A character created (or changed) on one node drops the cached list and card on the other at once
 * (Redis pub/sub), not after the TTL.
 */
class CharacterCacheAcrossNodesTest {

  @Test
  void aChangeOnOneNodeInvalidatesTheCacheOnTheOther() throws Exception {
    try (TestRedis redis = new TestRedis();
        Backend.Prepared database = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.putAll(database.env());
      try (TestServer a = TestServer.start(Backend.H2, env);
          TestServer b = TestServer.start(Backend.H2, env)) {
        String token = a.guest("creator").getString("token");
        JsonArray before = b.rest().get("/api/characters").assertOk(200).getJsonArray("characters");
        a.rest()
            .post("/api/characters?visibility=public", Cards.v2("Cached Carol"), token)
            .assertOk(201);

        int seen =
            Waits.until(
                () -> {
                  int n =
                      b.rest()
                          .get("/api/characters")
                          .assertOk(200)
                          .getJsonArray("characters")
                          .size();
                  return n != before.size() ? n : null;
                },
                "b's list to change");
        assertThat(seen)
            .as("b's list after a created a character (cache TTL is minutes)")
            .isEqualTo(before.size() + 1);

        // made private on a: b's gallery and b's cached card forget it at once
        String id =
            b.rest()
                .get("/api/characters")
                .assertOk(200)
                .getJsonArray("characters")
                .getJsonObject(0)
                .getString("id");
        String reader = b.guest("reader").getString("token");
        b.rest().get("/api/characters/" + id, reader).assertOk(200);
        new CharacterHttp(a.url())
            .json("PATCH", "/api/characters/" + id, "{\"visibility\":\"private\"}", token)
            .assertOk(200);
        Waits.until(
            () -> b.rest().get("/api/characters/" + id, reader).status() == 404 ? true : null,
            "b to hide the card made private on a");
        assertThat(b.rest().get("/api/characters").assertOk(200).getJsonArray("characters"))
            .hasSize(before.size());
      }
    }
  }
}
