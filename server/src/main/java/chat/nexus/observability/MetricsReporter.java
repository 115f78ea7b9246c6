package chat.nexus.observability;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every METRICS_INTERVAL_MS: one log line with the nexus_* metrics and, when MONITORING_URL is set,
 * the same figures POSTed there as JSON ({@code {node, time, metrics: {name: value}}}) with a
 * timeout. A failing endpoint is logged once when it starts failing and once when it answers again,
 * never per attempt.
 */
public final class MetricsReporter {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsReporter.class);
  static final int PUSH_TIMEOUT_MS = 5_000;
  private static final String PREFIX = "nexus.";

  private final Vertx vertx;
  private final Metrics metrics;
  private final String nodeId;
  private final Optional<String> monitoringUrl;
  private final HttpClientAgent http;
  private final long timer;
  private boolean failing;

  public MetricsReporter(
      Vertx vertx,
      Metrics metrics,
      String nodeId,
      Optional<String> monitoringUrl,
      long intervalMs) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.nodeId = nodeId;
    this.monitoringUrl = monitoringUrl;
    this.http =
        monitoringUrl.isPresent()
            ? vertx.createHttpClient(
                new HttpClientOptions().setConnectTimeout(PUSH_TIMEOUT_MS).setIdleTimeout(60))
            : null;
    this.timer = vertx.setPeriodic(intervalMs, id -> report());
  }

  /**
   * The nexus_* figures by Prometheus-style name (counters' _total, gauges, timers'
   * _count/_sum/_max).
   */
  public Map<String, Double> snapshot() {
    Map<String, Double> out = new TreeMap<>();
    for (Meter meter : metrics.registry().getMeters()) {
      String name = meter.getId().getName();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String base = name.replace('.', '_');
      StringBuilder tags = new StringBuilder();
      for (Tag tag : meter.getId().getTagsAsIterable()) {
        tags.append(tags.length() == 0 ? "{" : ",")
            .append(tag.getKey())
            .append("=\"")
            .append(tag.getValue())
            .append('"');
      }
      if (tags.length() > 0) {
        tags.append('}');
      }
      for (Measurement m : meter.measure()) {
        String suffix =
            switch (meter.getId().getType()) {
              case COUNTER -> "_total";
              case GAUGE -> "";
              default ->
                  switch (m.getStatistic()) {
                    case COUNT -> "_seconds_count";
                    case TOTAL_TIME -> "_seconds_sum";
                    case MAX -> "_seconds_max";
                    default -> "_" + m.getStatistic().name().toLowerCase(Locale.ROOT);
                  };
            };
        double value = m.getValue();
        if (Double.isFinite(value)) {
          out.merge(base + suffix + tags, value, Double::sum);
        }
      }
    }
    return out;
  }

  void report() {
    Map<String, Double> figures = snapshot();
    StringBuilder line = new StringBuilder("metrics:");
    figures.forEach(
        (name, value) -> line.append(' ').append(name).append('=').append(format(value)));
    LOG.info(line.toString());
    monitoringUrl.ifPresent(url -> push(url, figures));
  }

  private void push(String url, Map<String, Double> figures) {
    JsonObject body =
        new JsonObject()
            .put("node", nodeId)
            .put("time", Instant.now().toString())
            .put("metrics", new JsonObject(new TreeMap<>(figures)));
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
                    result.cause().getMessage());
              } else if (result.succeeded() && failing) {
                failing = false;
                LOG.info("metrics push to MONITORING_URL works again");
              }
            });
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
