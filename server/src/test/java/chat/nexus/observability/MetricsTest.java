package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** /metrics carries the contract's names; the periodic push reaches MONITORING_URL. */
class MetricsTest {

  static final List<String> CONTRACT =
      List.of(
          "nexus_connections",
          "nexus_messages_total",
          "nexus_deliveries_total",
          "nexus_ack_latency_seconds",
          "nexus_llm_in_flight",
          "nexus_llm_waiting",
          "nexus_llm_rejected_total",
          "nexus_llm_time_to_first_token_seconds",
          "nexus_rate_limited_total",
          "nexus_redis_up",
          "nexus_db_pool_active",
          "hikaricp_connections_active",
          "jvm_memory_used_bytes",
          "jvm_threads_live_threads");

  /**
   * The gauge holds its lambda strongly: held weakly, it would be gone after a collection and
   * /metrics would show nexus_redis_up NaN.
   */
  @Test
  void theRedisGaugeOutlivesGarbageCollection() throws Exception {
    Metrics metrics = new Metrics();
    AtomicBoolean up = new AtomicBoolean(true);
    metrics.redis(up::get); // a capturing lambda, like ChatServer's: only the gauge refers to it
    WeakReference<Object> canary = new WeakReference<>(new Object());
    Waits.untilTrue(
        () -> {
          System.gc();
          return canary.get() == null;
        },
        "a collection that clears weakly held objects");
    assertThat(metrics.registry().get("nexus.redis.up").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void theContractsNamesArePublishedAndPushedToTheMonitoringUrl() throws Exception {
    BlockingQueue<String> pushed = new LinkedBlockingQueue<>();
    HttpServer monitoring = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    monitoring.createContext(
        "/push",
        exchange -> {
          pushed.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    monitoring.start();
    try (TestRedis redis = new TestRedis()) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.put("MONITORING_URL", "http://127.0.0.1:" + monitoring.getAddress().getPort() + "/push");
      env.put("METRICS_INTERVAL_MS", "200");
      env.put("METRICS_PORT", "0"); // as Prometheus scrapes a node: on the metrics port
      try (TestServer server = TestServer.start(Backend.H2, env)) {
        server.connectGuest("counted").call("room:join", new JsonObject().put("roomId", "metrics"));
        String text =
            new Rest("http://127.0.0.1:" + server.chatServer().metricsPort().orElseThrow())
                .get("/metrics")
                .body();
        for (String name : CONTRACT) {
          assertThat(text).as("/metrics has %s", name).containsPattern("(?m)^" + name + "[ {_]");
        }
        assertThat(text).contains("nexus_redis_up 1.0");

        JsonObject body = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Waits.TIMEOUT_S);
        while (System.nanoTime() < deadline) {
          String next = pushed.poll(1, TimeUnit.SECONDS);
          if (next != null
              && new JsonObject(next).getJsonObject("metrics").getDouble("nexus_connections", 0.0)
                  >= 1) {
            body = new JsonObject(next);
            break;
          }
        }
        assertThat(body).as("a push while a client is connected").isNotNull();
        assertThat(body.getString("node")).isEqualTo(server.chatServer().production().nodeId());
        assertThat(body.getString("time")).isNotBlank();
        assertThat(body.getJsonObject("metrics").getDouble("nexus_connections"))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(body.getJsonObject("metrics").fieldNames())
            .contains("nexus_redis_up", "nexus_messages_total");
      }
    } finally {
      monitoring.stop(0);
    }
  }
}
