package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
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
  /** The pushed entry of this name with exactly these labels. */
  private static JsonObject entry(JsonObject push, String name, Map<String, String> labels) {
    JsonObject found = find(push, name, labels);
    if (found == null) {
      throw new AssertionError("no " + name + labels + " in " + push.getJsonArray("metrics"));
    }
    return found;
  }

  private static JsonObject find(JsonObject push, String name, Map<String, String> labels) {
    JsonArray metrics = push.getJsonArray("metrics");
    for (int i = 0; i < metrics.size(); i++) {
      JsonObject m = metrics.getJsonObject(i);
      if (m.getString("name").equals(name)
          && m.getJsonObject("labels").equals(new JsonObject(new HashMap<>(labels)))) {
        return m;
      }
    }
    return null;
  }

  private static double value(JsonObject push, String name, Map<String, String> labels) {
    return entry(push, name, labels).getDouble("value");
  }

  @Test
  void timersReportThePercentilesOfTheLastIntervalOnly() {
    Metrics metrics = new Metrics();
    MetricsPayload payload = new MetricsPayload(metrics.registry());
    for (int i = 0; i < 100; i++) {
      metrics.ackLatency(TimeUnit.MILLISECONDS.toNanos(2));
    }
    JsonObject first =
        entry(
            new JsonObject().put("metrics", payload.metrics()),
            "nexus_ack_latency_seconds",
            Map.of());
    assertThat(first.getDouble("p50")).isBetween(0.001, 0.003);
    for (int i = 0; i < 100; i++) {
      metrics.ackLatency(TimeUnit.MILLISECONDS.toNanos(200));
    }
    JsonObject second =
        entry(
            new JsonObject().put("metrics", payload.metrics()),
            "nexus_ack_latency_seconds",
            Map.of());
    assertThat(second.getDouble("p50")).as("only the interval's 200 ms acks").isBetween(0.15, 0.25);
    assertThat(second.getDouble("count")).isEqualTo(200.0);
    JsonObject idle =
        entry(
            new JsonObject().put("metrics", payload.metrics()),
            "nexus_ack_latency_seconds",
            Map.of());
    assertThat(idle.getValue("p99")).as("no acks in the interval").isNull();
    metrics.close();
  }

  @Test
  void nodeIdNamesTheNodeInPushes() {
    assertThat(MetricsOptions.fromEnv(Map.of("NODE_ID", " chat-7 ")).nodeId()).contains("chat-7");
    assertThat(MetricsOptions.fromEnv(Map.of()).nodeId()).isEmpty();
  }

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
          JsonObject connections =
              next == null ? null : find(new JsonObject(next), "nexus_connections", Map.of());
          if (connections != null && connections.getDouble("value") >= 1) {
            body = new JsonObject(next);
            break;
          }
        }
        assertThat(body).as("a push while a client is connected").isNotNull();
        String host = body.getString("host");
        assertThat(host).isNotBlank();
        assertThat(body.getInteger("port")).isEqualTo(server.port());
        assertThat(body.getString("node")).isEqualTo(host + ":" + server.port());
        assertThat(body.getString("version")).isEqualTo(BuildInfo.version());
        assertThat(body.getString("run")).isEqualTo(server.chatServer().production().nodeId());
        assertThat(body.getString("time")).isNotBlank();
        assertThat(value(body, "nexus_redis_up", Map.of())).isEqualTo(1.0);
        assertThat(value(body, "nexus_rate_limited_total", Map.of("limit", "api"))).isZero();
        JsonObject ack = entry(body, "nexus_ack_latency_seconds", Map.of());
        assertThat(ack.fieldNames()).contains("count", "sum", "max", "p50", "p95", "p99");
        JsonObject jvm = body.getJsonObject("jvm");
        assertThat(jvm.getDouble("heapUsedBytes")).isPositive();
        assertThat(jvm.getDouble("threads")).isPositive();
        assertThat(jvm.fieldNames()).contains("gcPauses", "gcPauseSeconds", "gcPauseMaxSeconds");
        JsonObject pool = body.getJsonObject("pool");
        assertThat(pool.getDouble("max")).isPositive();
        assertThat(pool.fieldNames()).contains("active", "idle", "pending");
      }
    } finally {
      monitoring.stop(0);
    }
  }
}
