package chat.nexus.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts by reason (error codes, connect failures), from any thread. Reasons partly come from the
 * server, so at most {@link #MAX_KEYS} distinct ones are kept; the rest count as {@link #OTHER}.
 */
final class Tally {
  static final int MAX_KEYS = 32;
  static final String OTHER = "other";
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String reason) {
    LongAdder a = counts.get(reason);
    if (a == null) {
      a =
          counts.size() < MAX_KEYS
              ? counts.computeIfAbsent(reason, k -> new LongAdder())
              : counts.computeIfAbsent(OTHER, k -> new LongAdder());
    }
    a.increment();
  }

  /** Reason -> count, sorted by reason. */
  Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  static void addAll(Map<String, Long> into, Map<String, Long> from) {
    from.forEach((k, v) -> into.merge(k, v, Long::sum));
  }

  /** {@code now} minus {@code before}, by reason; reasons that did not grow are left out. */
  static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> m = new TreeMap<>();
    now.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d > 0) m.put(k, d);
        });
    return m;
  }

  static JsonObject toJson(Map<String, Long> counts) {
    JsonObject j = new JsonObject();
    counts.forEach(j::put);
    return j;
  }

  static Map<String, Long> fromJson(JsonObject j) {
    Map<String, Long> m = new TreeMap<>();
    if (j != null) j.forEach(e -> m.put(e.getKey(), ((Number) e.getValue()).longValue()));
    return m;
  }
}
