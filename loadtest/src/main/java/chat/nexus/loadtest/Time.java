package chat.nexus.loadtest;

import java.time.Duration;
import java.time.Instant;

/** Wall-clock micros (shared across processes on one machine) and duration parsing. */
final class Time {
  private Time() {}

  /**
   * Epoch microseconds; Instant.now() has (at least) microsecond resolution on Linux with JDK 17.
   */
  static long nowMicros() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  /** Accepts "30s", "500ms", "2m", "1h", a bare number of seconds, or ISO-8601 ("PT30S"). */
  static Duration parseDuration(String s) {
    String v = s.trim().toLowerCase();
    if (v.startsWith("pt")) return Duration.parse(v.toUpperCase());
    if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    double n;
    long unitMillis;
    switch (v.charAt(v.length() - 1)) {
      case 's':
        unitMillis = 1_000;
        n = Double.parseDouble(v.substring(0, v.length() - 1));
        break;
      case 'm':
        unitMillis = 60_000;
        n = Double.parseDouble(v.substring(0, v.length() - 1));
        break;
      case 'h':
        unitMillis = 3_600_000;
        n = Double.parseDouble(v.substring(0, v.length() - 1));
        break;
      default:
        unitMillis = 1_000;
        n = Double.parseDouble(v);
    }
    return Duration.ofMillis(Math.round(n * unitMillis));
  }

  static void sleepMillis(long ms) {
    if (ms <= 0) return;
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
