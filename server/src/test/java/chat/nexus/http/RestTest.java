package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The REST plumbing: health, readiness, unknown routes, body limits and types, request ids, guests.
 */
class RestTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    return Map.of("JSON_LIMIT", "1kb");
  }

  @Test
  void health() {
    JsonObject body = rest.get("/health").assertOk(200);
    assertThat(body.getString("status")).isEqualTo("up");
  }

  @Test
  void ready() {
    JsonObject body = rest.get("/ready").assertOk(200);
    assertThat(body.getString("database")).isEqualTo("up");
  }

  @Test
  void metricsUseTheContractNames() {
    Rest.Response response = rest.get("/metrics");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body())
        .contains(
            "nexus_connections",
            "nexus_messages_total",
            "nexus_deliveries_total",
            "nexus_ack_latency_seconds",
            "nexus_llm_in_flight",
            "nexus_llm_waiting",
            "nexus_llm_rejected_total",
            "nexus_llm_time_to_first_token_seconds",
            "nexus_rate_limited_total",
            "nexus_db_pool_active",
            "jvm_memory_used_bytes");
  }

  @Test
  void unknownRouteIs404InTheErrorShape() {
    rest.get("/nope").assertError(404, "NOT_FOUND");
    rest.get("/api/nope").assertError(404, "NOT_FOUND");
    rest.post("/api/rooms/lobby/messages", new JsonObject()).assertError(404, "NOT_FOUND");
  }

  @Test
  void bodyOverTheLimitIs413() {
    String big = new JsonObject().put("name", "x".repeat(2000)).encode();
    rest.postRaw("/api/auth/guest", "application/json", big, null, Map.of())
        .assertError(413, "PAYLOAD_TOO_LARGE");
    // just under the limit goes through (and fails on its content instead)
    String under = new JsonObject().put("name", "x".repeat(900)).encode();
    rest.postRaw("/api/auth/guest", "application/json", under, null, Map.of())
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void nonJsonBodyIs400() {
    Rest.Response text =
        rest.postRaw("/api/auth/login", "text/plain", "username=a&password=b", null, Map.of())
            .assertError(400, "BAD_REQUEST");
    assertThat(text.message()).contains("application/json");
    rest.postRaw("/api/auth/login", null, "hello", null, Map.of()).assertError(400, "BAD_REQUEST");
    rest.postRaw("/api/auth/login", "application/json", "{not json", null, Map.of())
        .assertError(400, "BAD_REQUEST");
    rest.postRaw("/api/auth/login", "application/json", "[1, 2]", null, Map.of())
        .assertError(400, "BAD_REQUEST");
    rest.postRaw("/api/auth/login", "application/json", "\"text\"", null, Map.of())
        .assertError(400, "BAD_REQUEST");
    rest.postRaw(
            "/api/auth/guest", "application/json; charset=utf-8", "{\"name\": 5}", null, Map.of())
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void requestIdIsEchoedWhenGiven() {
    String id = "test-" + UUID.randomUUID();
    assertThat(rest.getWithHeaders("/health", Map.of("X-Request-Id", id)).header("X-Request-Id"))
        .isEqualTo(id);
    // also on errors
    assertThat(rest.getWithHeaders("/nope", Map.of("X-Request-Id", id)).header("X-Request-Id"))
        .isEqualTo(id);
  }

  @Test
  void requestIdIsGeneratedWhenMissingOrInsane() {
    String generated = rest.get("/health").header("X-Request-Id");
    assertThat(generated).isNotBlank();
    assertThat(UUID.fromString(generated)).isNotNull();
    assertThat(rest.get("/health").header("X-Request-Id")).isNotEqualTo(generated);
    String replaced =
        rest.getWithHeaders("/health", Map.of("X-Request-Id", "bad id with spaces"))
            .header("X-Request-Id");
    assertThat(UUID.fromString(replaced)).isNotNull();
    assertThat(rest.getWithHeaders("/nope", Map.of()).header("X-Request-Id")).isNotBlank();
  }

  @Test
  void guestSignIn() {
    JsonObject body =
        rest.post("/api/auth/guest", new JsonObject().put("name", "  Ann  ")).assertOk(201);
    assertThat(body.getString("token")).isNotBlank();
    assertThat(body.getString("refreshToken")).isNotBlank();
    JsonObject user = body.getJsonObject("user");
    assertThat(user.getString("id")).startsWith("guest-");
    assertThat(user.getString("name")).isEqualTo("Ann");
    assertThat(user.getString("kind")).isEqualTo("guest");
    // the token works
    rest.get("/api/rooms/lobby/messages", body.getString("token")).assertOk(200);
  }

  @Test
  void guestNeedsAName() {
    rest.post("/api/auth/guest", new JsonObject()).assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/guest", null).assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/guest", new JsonObject().put("name", "   "))
        .assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/guest", new JsonObject().put("name", "n".repeat(65)))
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void guestsCanBeTurnedOff() {
    try (TestServer noGuests = TestServer.start(Backend.H2, Map.of("ALLOW_GUESTS", "false"))) {
      noGuests
          .rest()
          .post("/api/auth/guest", new JsonObject().put("name", "Ann"))
          .assertError(403, "FORBIDDEN");
    }
  }
}
