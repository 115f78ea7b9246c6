package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A flood of database reads against a server whose database work may queue only a little
 * (DB_POOL_SIZE=2, DB_QUEUE_LIMIT=1): what does not fit is answered 503 UNAVAILABLE with
 * Retry-After at once, instead of waiting behind everything before it; the rest is served.
 */
class DatabaseQueueTest {

  private static final int REQUESTS = 400;

  /**
   * Stored in the room first, so that each read (a page of 100) keeps a worker busy for a while.
   */
  private static final int MESSAGES = 100;

  @Test
  void aFloodPastTheQueueLimitIsRefusedWithRetryAfter() {
    try (TestServer server =
        TestServer.start(Backend.H2, Map.of("DB_POOL_SIZE", "2", "DB_QUEUE_LIMIT", "1"))) {
      JsonObject guest = server.guest("Flood");
      String token = guest.getString("token");
      seed(server, guest.getJsonObject("user").getString("id"));
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(Waits.TIMEOUT_S))
              .build();
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(server.url() + "/api/rooms/flood/messages?limit=100"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(Waits.TIMEOUT_S))
                .build();
        responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> future : responses) {
        HttpResponse<String> response = Waits.get(future, "a response");
        if (response.statusCode() == 200) {
          ok++;
        } else {
          Rest.Response r =
              new Rest.Response(response.statusCode(), response.headers(), response.body());
          r.assertError(503, "UNAVAILABLE");
          assertThat(r.header("Retry-After")).isNotNull();
          refused++;
        }
      }
      System.out.printf("flood: %d served, %d refused%n", ok, refused);
      assertThat(refused).as("requests past the queue limit refused").isPositive();
      assertThat(ok).as("requests within it served").isPositive();
      server.rest().get("/api/rooms/flood/messages", token).assertOk(200);
      assertThat(new JsonObject(server.rest().get("/ready").body()).getBoolean("ok")).isTrue();
    }
  }

  private static void seed(TestServer server, String userId) {
    try (java.sql.Connection c = server.chatServer().database().connection();
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO messages (room_id, user_id, text, client_id, created_at) VALUES ('flood', ?, ?, NULL, ?)")) {
      for (int i = 0; i < MESSAGES; i++) {
        ps.setString(1, userId);
        ps.setString(2, "message " + i + " " + "x".repeat(200));
        ps.setObject(3, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
