package chat.nexus.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The figures of one push to MONITORING_URL: every nexus_* meter with its labels as an object,
 * timers with count, sum, max and the p50/p95/p99 of the last interval, and the JVM's and the
 * database pool's main figures. Percentiles come from the timers' histogram buckets (the difference
 * since the previous report, interpolated within a bucket as Prometheus's histogram_quantile does),
 * so they describe the interval, not the node's whole life. Not thread-safe: one reporter calls it
 * on its timer.
 */
final class MetricsPayload {

  private static final String PREFIX = "nexus.";
  private static final double[] QUANTILES = {0.5, 0.95, 0.99};
  private static final String[] QUANTILE_NAMES = {"p50", "p95", "p99"};

  private final MeterRegistry registry;
  private final Map<Meter.Id, double[]> previousBuckets = new HashMap<>();

  MetricsPayload(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The nexus_* meters, sorted by name then labels. */
  JsonArray metrics() {
    JsonArray out = new JsonArray();
    registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith(PREFIX))
        .sorted(
            Comparator.comparing((Meter m) -> m.getId().getName())
                .thenComparing(m -> m.getId().getTags().toString()))
        .forEach(
            meter -> {
              JsonObject entry = new JsonObject().put("name", prometheusName(meter));
              JsonObject labels = new JsonObject();
              for (Tag tag : meter.getId().getTagsAsIterable()) {
                labels.put(tag.getKey(), tag.getValue());
              }
              entry.put("labels", labels);
              if (meter instanceof Timer timer) {
                timer(timer, entry);
              } else {
                double value = meter.measure().iterator().next().getValue();
                entry.put("value", Double.isFinite(value) ? value : null);
              }
              out.add(entry);
            });
    return out;
  }

  /** Heap, GC pauses and threads. */
  JsonObject jvm() {
    double gcCount = 0;
    double gcSeconds = 0;
    double gcMax = 0;
    for (Timer pause : registry.find("jvm.gc.pause").timers()) {
      gcCount += pause.count();
      gcSeconds += pause.totalTime(TimeUnit.SECONDS);
      gcMax = Math.max(gcMax, pause.max(TimeUnit.SECONDS));
    }
    return new JsonObject()
        .put("heapUsedBytes", sum("jvm.memory.used", "area", "heap"))
        .put("heapMaxBytes", sum("jvm.memory.max", "area", "heap"))
        .put("gcPauses", gcCount)
        .put("gcPauseSeconds", gcSeconds)
        .put("gcPauseMaxSeconds", gcMax)
        .put("threads", sum("jvm.threads.live", null, null))
        .put("daemonThreads", sum("jvm.threads.daemon", null, null));
  }

  /** HikariCP's connections: in use, idle, callers waiting for one, and the pool's size. */
  JsonObject pool() {
    return new JsonObject()
        .put("active", sum("hikaricp.connections.active", null, null))
        .put("idle", sum("hikaricp.connections.idle", null, null))
        .put("pending", sum("hikaricp.connections.pending", null, null))
        .put("max", sum("hikaricp.connections.max", null, null));
  }

  private void timer(Timer timer, JsonObject entry) {
    HistogramSnapshot snapshot = timer.takeSnapshot();
    entry
        .put("count", snapshot.count())
        .put("sum", snapshot.total(TimeUnit.SECONDS))
        .put("max", snapshot.max(TimeUnit.SECONDS));
    CountAtBucket[] buckets = snapshot.histogramCounts();
    if (buckets.length == 0) {
      return;
    }
    double[] cumulative = new double[buckets.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      cumulative[i] = buckets[i].count();
    }
    cumulative[buckets.length] = snapshot.count(); // +Inf
    double[] previous = previousBuckets.put(timer.getId(), cumulative);
    double[] interval = cumulative.clone();
    if (previous != null && previous.length == interval.length) {
      for (int i = 0; i < interval.length; i++) {
        interval[i] -= previous[i];
      }
    }
    double total = interval[buckets.length];
    for (int q = 0; q < QUANTILES.length; q++) {
      entry.put(
          QUANTILE_NAMES[q],
          total <= 0
              ? null
              : quantile(QUANTILES[q], buckets, interval, snapshot.max(TimeUnit.SECONDS)));
    }
  }

  /** As histogram_quantile: linear within the bucket that holds the rank. */
  static double quantile(double q, CountAtBucket[] buckets, double[] cumulative, double max) {
    double rank = q * cumulative[buckets.length];
    double lowerBound = 0;
    double lowerCount = 0;
    for (int i = 0; i < buckets.length; i++) {
      double upperBound = buckets[i].bucket(TimeUnit.SECONDS);
      if (cumulative[i] >= rank) {
        double inBucket = cumulative[i] - lowerCount;
        return inBucket <= 0
            ? upperBound
            : lowerBound + (upperBound - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = upperBound;
      lowerCount = cumulative[i];
    }
    return Math.max(lowerBound, max); // above the largest bucket
  }

  private double sum(String name, String tagKey, String tagValue) {
    var search = registry.find(name);
    if (tagKey != null) {
      search = search.tag(tagKey, tagValue);
    }
    double total = 0;
    for (Gauge gauge : search.gauges()) {
      double value = gauge.value();
      if (Double.isFinite(value) && value >= 0) {
        total += value;
      }
    }
    return total;
  }

  /** The name Prometheus shows for the meter's main series. */
  static String prometheusName(Meter meter) {
    String base = meter.getId().getName().replace('.', '_');
    return switch (meter.getId().getType()) {
      case COUNTER -> base + "_total";
      case TIMER, LONG_TASK_TIMER -> base + "_seconds";
      default -> base;
    };
  }
}
