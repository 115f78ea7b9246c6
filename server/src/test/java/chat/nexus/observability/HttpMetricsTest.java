package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpMethod;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Request metrics by route template, the build's version, and the node's own gauges. */
class HttpMetricsTest {

  @Test
  void requestsAreCountedByRouteTemplateNeverByRawPath() {
    try (TestServer server = TestServer.start(Backend.H2)) {
      Rest rest = server.rest();
      rest.get("/health").assertOk(200);
      rest.get("/api/rooms/room-1/messages").assertError(401, "UNAUTHORIZED");
      rest.get("/api/rooms/room-2/messages").assertError(401, "UNAUTHORIZED");
      rest.get("/api/no-such-thing/123").assertError(404, "NOT_FOUND");
      assertThat(rest.get("/socket.io/?EIO=4&transport=polling").status()).isEqualTo(200);

      String text = rest.get("/metrics").body();
      assertThat(text)
          .contains(
              "nexus_http_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"2xx\"} 1",
              "nexus_http_requests_seconds_count{method=\"GET\",route=\"/api/rooms/:id/messages\",status=\"4xx\"} 2",
              "nexus_http_requests_seconds_count{method=\"GET\",route=\"other\",status=\"4xx\"} 1",
              "nexus_http_requests_seconds_count{method=\"GET\",route=\"/socket.io/\",status=\"2xx\"} 1",
              "nexus_http_requests_seconds_bucket{method=\"GET\",route=\"/health\",status=\"2xx\",le=\"0.005\"}",
              "nexus_build_info{version=\"" + BuildInfo.version() + "\"} 1",
              "nexus_message_store_backlog 0",
              "nexus_event_loop_delay_seconds_bucket{le=\"0.001\"}")
          .doesNotContain("room-1", "no-such-thing");
    }
  }

  @Test
  void healthSaysTheVersion() {
    try (TestServer server = TestServer.start(Backend.H2)) {
      assertThat(server.rest().get("/health").assertOk(200).getString("version"))
          .isEqualTo(BuildInfo.version())
          .isNotBlank();
    }
  }

  @Test
  void templatesMatchSegmentBySegment() {
    Template template = new Template("/api/rooms/:id/messages", Set.of(HttpMethod.GET));
    assertThat(template.matches(HttpMethod.GET, "/api/rooms/abc/messages")).isTrue();
    assertThat(template.matches(HttpMethod.POST, "/api/rooms/abc/messages")).isFalse();
    assertThat(template.matches(HttpMethod.GET, "/api/rooms//messages")).isFalse();
    assertThat(template.matches(HttpMethod.GET, "/api/rooms/abc/messages/x")).isFalse();
    assertThat(template.matches(HttpMethod.GET, "/api/rooms/abc")).isFalse();
    assertThat(new Template("/api/users/:id", Set.of()).matches(HttpMethod.GET, "/api/users/7"))
        .isTrue();
  }

  @Test
  void unknownMethodsAndStatusesShareOneSeries() {
    HttpMetrics metrics = new HttpMetrics(new SimpleMeterRegistry());
    assertThat(metrics.timer("other", HttpMethod.valueOf("PROPFIND"), 599))
        .isSameAs(metrics.timer("other", HttpMethod.TRACE, 500));
    assertThat(metrics.timer("/health", HttpMethod.GET, 200).getId().getTag("status"))
        .isEqualTo("2xx");
  }
}
