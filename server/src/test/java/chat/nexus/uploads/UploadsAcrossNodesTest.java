package chat.nexus.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Bodies;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing PostgreSQL and Redis: an upload made through node A is served by node B, and a
 * profile changed on A is seen on B at once (its cached copy dropped through Redis, not after the
 * cache's minutes).
 */
class UploadsAcrossNodesTest {

  @Test
  void anUploadAndAProfileChangeOnOneNodeAreSeenOnTheOther() throws Exception {
    try (TestRedis redis = new TestRedis();
        Backend.Prepared database = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.putAll(database.env());
      try (TestServer a = TestServer.start(Backend.H2, env);
          TestServer b = TestServer.start(Backend.H2, env)) {
        TestUser ann = TestUser.of(a.guest("Ann"));
        TestUser bob = TestUser.of(b.guest("Bob"));
        Bodies onA = new Bodies(a.url());
        Bodies onB = new Bodies(b.url());

        byte[] photo = Bodies.picture(500, 500, "png");
        JsonObject upload =
            onA.postFile("/api/rooms/shared/uploads", "p.png", "image/png", photo, ann.token())
                .assertOk(201)
                .getJsonObject("upload");
        HttpResponse<byte[]> served =
            onB.getBytes("/api/uploads/" + upload.getString("id"), bob.token());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(photo);
        assertThat(
                onB.getBytes("/api/uploads/" + upload.getString("id") + "/preview", bob.token())
                    .statusCode())
            .isEqualTo(200);

        // b caches Ann's profile, then Ann changes it on a
        assertThat(
                b.rest()
                    .get("/api/users/" + ann.id(), bob.token())
                    .assertOk(200)
                    .getJsonObject("user")
                    .getString("name"))
            .isEqualTo("Ann");
        onA.patch("/api/me", new JsonObject().put("name", "Annie"), ann.token()).assertOk(200);
        onA.put("/api/me/avatar", "image/png", Bodies.picture(64, 64, "png"), ann.token())
            .assertOk(200);
        JsonObject seen =
            Waits.until(
                () -> {
                  JsonObject user =
                      b.rest()
                          .get("/api/users/" + ann.id(), bob.token())
                          .assertOk(200)
                          .getJsonObject("user");
                  return "Annie".equals(user.getString("name"))
                          && user.getString("avatarUrl") != null
                      ? user
                      : null;
                },
                "b to see Ann's new name and avatar");
        assertThat(seen.getString("avatarUrl")).contains("/avatar?v=");
      }
    }
  }
}
