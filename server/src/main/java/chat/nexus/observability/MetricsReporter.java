package chat.nexus.observability;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every METRICS_INTERVAL_MS: one log line with the nexus_* metrics and, when MONITORING_URL is set,
 * a JSON POST there with a timeout: the node's stable name (NODE_ID, or host:port), host, port,
 * version, this run's id, and the figures of {@link MetricsPayload}. A failing endpoint is logged
 * once when it starts failing and once when it answers again, never per attempt.
 */
public final class MetricsReporter {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsReporter.class);
  static final int PUSH_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final MetricsPayload payload;
  private final String runId;
  private final Optional<String> nodeId;
  private volatile String host;
  private final Optional<String> monitoringUrl;
  private final long intervalMs;
  private final HttpClientAgent http;
  private final long timer;
  private volatile int port;
  private boolean failing;

  /**
   * @param runId this run's id (a new one per start), beside the stable name
   * @param nodeId NODE_ID, the node's name in pushes; empty: host:port
   * @param port the chat port as configured; {@link #listening} corrects it once bound
   */
  public MetricsReporter(
      Vertx vertx,
      Metrics metrics,
      String runId,
      Optional<String> nodeId,
      int port,
      Optional<String> monitoringUrl,
      long intervalMs) {
    this.vertx = vertx;
    this.payload = new MetricsPayload(metrics.registry());
    this.runId = runId;
    this.nodeId = nodeId;
    this.port = port;
    this.monitoringUrl = monitoringUrl;
    this.intervalMs = intervalMs;
    this.http =
        monitoringUrl.isPresent()
            ? vertx.createHttpClient(
                new HttpClientOptions().setConnectTimeout(PUSH_TIMEOUT_MS).setIdleTimeout(60))
            : null;
    this.timer = vertx.setPeriodic(intervalMs, id -> report());
  }

  /** The chat port once bound (PORT=0 picks one). */
  public void listening(int actualPort) {
    this.port = actualPort;
  }

  /** NODE_ID, or host:port: the same across restarts of the same node, unlike the run id. */
  public String node() {
    return nodeId.orElseGet(() -> host() + ":" + port);
  }

  /** Read at the first report, on a worker thread: the machine's name may need a DNS lookup. */
  private String host() {
    if (host == null) {
      host = hostName();
    }
    return host;
  }

  /** HOSTNAME as containers set it (the pod's name in Kubernetes), else the machine's name. */
  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** The JSON a push carries. */
  public JsonObject snapshot() {
    return new JsonObject()
        .put("node", node())
        .put("host", host())
        .put("port", port)
        .put("version", BuildInfo.version())
        .put("run", runId)
        .put("time", Instant.now().toString())
        .put("intervalMs", intervalMs)
        .put("metrics", payload.metrics())
        .put("jvm", payload.jvm())
        .put("pool", payload.pool());
  }

  /** Reads every meter on a worker thread (more than an event loop should spend), one at a time. */
  void report() {
    vertx
        .executeBlocking(this::snapshot, true)
        .onSuccess(
            body -> {
              LOG.info(line(body.getJsonArray("metrics")));
              monitoringUrl.ifPresent(url -> push(url, body));
            })
        .onFailure(e -> LOG.warn("metrics: reading the meters failed", e));
  }

  /** name{labels}=value, and a timer's count and p99, for the log. */
  private static String line(JsonArray metrics) {
    StringBuilder line = new StringBuilder("metrics:");
    for (int i = 0; i < metrics.size(); i++) {
      JsonObject m = metrics.getJsonObject(i);
      JsonObject labels = m.getJsonObject("labels");
      line.append(' ').append(m.getString("name"));
      if (!labels.isEmpty()) {
        StringBuilder tags = new StringBuilder();
        labels.forEach(
            l ->
                tags.append(tags.length() == 0 ? "{" : ",")
                    .append(l.getKey())
                    .append('=')
                    .append(l.getValue()));
        line.append(tags).append('}');
      }
      if (m.containsKey("count")) {
        line.append(" count=").append(format(m.getDouble("count")));
        Double p99 = m.getDouble("p99");
        if (p99 != null) {
          line.append(" p99=").append(format(p99));
        }
      } else {
        Double value = m.getDouble("value");
        line.append('=').append(value == null ? "NaN" : format(value));
      }
    }
    return line.toString();
  }

  private void push(String url, JsonObject body) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setTimeout(PUSH_TIMEOUT_MS)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    http.request(request)
        .compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        ignored ->
                            response.statusCode() / 100 == 2
                                ? Future.succeededFuture()
                                : Future.failedFuture("HTTP " + response.statusCode())))
        .onComplete(
            result -> {
              if (result.failed() && !failing) {
                failing = true;
                LOG.warn(
                    "metrics push to MONITORING_URL failed ({}); retrying every interval, logged again when it works",
                    reason(result.cause(), url));
              } else if (result.succeeded() && failing) {
                failing = false;
                LOG.info("metrics push to MONITORING_URL works again");
              }
            });
  }

  /**
   * Why a push failed, without the URL's path and query: a push URL may carry its key there, and an
   * HTTP client's timeout message repeats the request's path and query.
   */
  static String reason(Throwable failure, String url) {
    String reason = String.valueOf(failure.getMessage());
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int target = start;
    while (target < url.length() && url.charAt(target) != '/' && url.charAt(target) != '?') {
      target++;
    }
    if (target == url.length()) {
      return reason;
    }
    int query = url.indexOf('?', target);
    String hidden = "<MONITORING_URL path>";
    reason = reason.replace(url.substring(target), hidden);
    if (query >= 0 && query + 1 < url.length()) {
      reason = reason.replace(url.substring(query + 1), hidden);
    }
    String path = url.substring(target, query < 0 ? url.length() : query);
    return path.length() > 1 ? reason.replace(path, hidden) : reason;
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.6f", value);
  }

  public void close() {
    vertx.cancelTimer(timer);
    if (http != null) {
      http.close();
    }
  }
}
