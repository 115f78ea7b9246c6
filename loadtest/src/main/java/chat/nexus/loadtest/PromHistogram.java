package chat.nexus.loadtest;

import java.util.Map;
import java.util.TreeMap;

/**
 * The cumulative buckets of one Prometheus histogram ({@code name_bucket{le="..."}}) read from the
 * text exposition, so that two scrapes give the distribution of what happened between them.
 * Percentiles are bucket upper bounds: an honest "at most".
 */
final class PromHistogram {

  private final TreeMap<Double, Long> buckets = new TreeMap<>();

  private PromHistogram() {}

  /** The histogram {@code name} (e.g. nexus_llm_gateway_overhead_seconds), empty when absent. */
  static PromHistogram parse(String exposition, String name) {
    PromHistogram h = new PromHistogram();
    String prefix = name + "_bucket{";
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      int le = line.indexOf("le=\"");
      int close = line.indexOf('"', le + 4);
      int space = line.lastIndexOf(' ');
      if (le < 0 || close < 0 || space < 0) {
        continue;
      }
      String bound = line.substring(le + 4, close);
      double upper = "+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      h.buckets.merge(
          upper, (long) Double.parseDouble(line.substring(space + 1).trim()), Long::sum);
    }
    return h;
  }

  /** What was observed after {@code earlier} and up to this scrape. */
  PromHistogram minus(PromHistogram earlier) {
    PromHistogram d = new PromHistogram();
    for (Map.Entry<Double, Long> e : buckets.entrySet()) {
      d.buckets.put(e.getKey(), e.getValue() - earlier.buckets.getOrDefault(e.getKey(), 0L));
    }
    return d;
  }

  /** The sum of two histograms with the same buckets (the same timer on two servers). */
  PromHistogram plus(PromHistogram other) {
    PromHistogram d = new PromHistogram();
    d.buckets.putAll(buckets);
    other.buckets.forEach((bound, n) -> d.buckets.merge(bound, n, Long::sum));
    return d;
  }

  long count() {
    return buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
  }

  /**
   * The smallest bucket bound under which at least {@code q} percent of the observations fall; NaN
   * if none.
   */
  double percentile(double q) {
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q / 100.0 * n);
    for (Map.Entry<Double, Long> e : buckets.entrySet()) {
      if (e.getValue() >= rank) {
        return e.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
