package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /metrics only for the scraper: its own port, a bearer token, and nothing for anyone in
 * production.
 */
class MetricsAccessTest {

  private static final String TOKEN = "metrics-token-0123456789-0123456789-abcdef";

  private static Map<String, String> production(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("APP_ENV", "production");
    env.put("CORS_ORIGINS", "https://chat.example");
    env.put("LOG_FORMAT", "text"); // JSON logs would switch logback for the whole test JVM
    return env;
  }

  @Test
  void inProductionTheChatPortGivesMetricsToNobodyWithoutConfiguration() {
    try (TestServer server = TestServer.start(Backend.H2, production(Map.of()))) {
      server.rest().get("/metrics").assertError(404, "NOT_FOUND");
      assertThat(server.chatServer().metricsPort()).isEmpty();
    }
  }

  @Test
  void aTokenGuardsMetricsOnTheChatPort() {
    try (TestServer server =
        TestServer.start(Backend.H2, production(Map.of("METRICS_TOKEN", TOKEN)))) {
      Rest rest = server.rest();
      Rest.Response anonymous = rest.get("/metrics").assertError(401, "UNAUTHORIZED");
      assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(anonymous.body()).doesNotContain(TOKEN);
      rest.get("/metrics", TOKEN + "x").assertError(401, "UNAUTHORIZED");
      rest.get("/metrics", TOKEN.substring(1)).assertError(401, "UNAUTHORIZED");
      Rest.Response scraped = rest.get("/metrics", TOKEN);
      assertThat(scraped.status()).isEqualTo(200);
      assertThat(scraped.header("Content-Type")).startsWith("text/plain; version=0.0.4");
      assertThat(scraped.body()).contains("nexus_connections ");
    }
  }

  @Test
  void aMetricsPortServesMetricsOnLoopbackAndTheChatPortNoLonger() throws Exception {
    try (TestServer server = TestServer.start(Backend.H2, Map.of("METRICS_PORT", "0"))) {
      server.rest().get("/metrics").assertError(404, "NOT_FOUND");
      int port = server.chatServer().metricsPort().orElseThrow();
      Rest metrics = new Rest("http://127.0.0.1:" + port);
      assertThat(metrics.get("/metrics").body())
          .contains("nexus_connections ", "jvm_memory_used_bytes");
      metrics.get("/health").assertError(404, "NOT_FOUND");
      metrics.get("/api/characters").assertError(404, "NOT_FOUND");
      try (ServerSocket taken = new ServerSocket()) {
        // bound to 127.0.0.1 only: the same port on another local address is free
        taken.bind(
            new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.2"), port));
      }
    }
  }

  @Test
  void aMetricsPortWithATokenWantsTheToken() {
    try (TestServer server =
        TestServer.start(
            Backend.H2, production(Map.of("METRICS_PORT", "0", "METRICS_TOKEN", TOKEN)))) {
      Rest metrics =
          new Rest("http://127.0.0.1:" + server.chatServer().metricsPort().orElseThrow());
      metrics.get("/metrics").assertError(401, "UNAUTHORIZED");
      assertThat(metrics.get("/metrics", TOKEN).body()).contains("nexus_connections ");
      server.rest().get("/metrics", TOKEN).assertError(404, "NOT_FOUND");
    }
  }

  @Test
  void badSettingsAreOneLineEachAndNeverShowTheToken() {
    assertThatThrownBy(
            () ->
                MetricsOptions.fromEnv(
                    Map.of("METRICS_PORT", "70000", "METRICS_TOKEN", "short-secret")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "METRICS_PORT must be a port number, got '70000'",
                        "METRICS_TOKEN must be at least 32 characters"))
        .hasMessageNotContaining("short-secret");
    MetricsOptions defaults = MetricsOptions.fromEnv(Map.of());
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.onChatPort(false)).as("development").isTrue();
    assertThat(defaults.onChatPort(true)).as("production").isFalse();
  }

  @Test
  void theMetricsPortSpeaksHttp1OnlyAndClosesIdleConnections() {
    MetricsOptions options = MetricsOptions.fromEnv(Map.of("METRICS_PORT", "0"));
    io.vertx.core.http.HttpServerOptions listener = MetricsEndpoint.listenerOptions(options);
    assertThat(listener.isHttp2ClearTextEnabled()).isFalse();
    assertThat(listener.getIdleTimeoutUnit().toSeconds(listener.getIdleTimeout()))
        .isEqualTo(MetricsEndpoint.IDLE_TIMEOUT_S);
    assertThat(listener.getMaxHeaderSize()).isLessThanOrEqualTo(8192);
  }
}
