package chat.nexus.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Bodies;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Uploads count against their own per-user limit (UPLOAD_RATE_LIMIT_MAX), apart from the API's. */
class UploadRateLimitTest {

  @Test
  void uploadsPastTheLimitAreRateLimitedPerUser() {
    try (TestServer server =
        TestServer.start(
            Backend.H2,
            Map.of(
                "RATE_LIMIT_ENABLED", "true",
                "RATE_LIMIT_MAX", "1000",
                "UPLOAD_RATE_LIMIT_MAX", "2",
                "UPLOAD_RATE_LIMIT_WINDOW_MS", "60000"))) {
      Bodies bodies = new Bodies(server.url());
      TestUser ann = TestUser.of(server.guest("Ann"));
      TestUser bob = TestUser.of(server.guest("Bob"));
      for (int i = 0; i < 2; i++) {
        bodies
            .post("/api/rooms/r/uploads?name=a.txt", "text/plain", "hi".getBytes(), ann.token())
            .assertOk(201);
      }
      Rest.Response refused =
          bodies
              .post("/api/rooms/r/uploads?name=a.txt", "text/plain", "hi".getBytes(), ann.token())
              .assertError(429, "RATE_LIMITED");
      assertThat(refused.header("Retry-After")).isNotNull();
      bodies
          .post("/api/rooms/r/uploads?name=b.txt", "text/plain", "hi".getBytes(), bob.token())
          .assertOk(201);
    }
  }
}
