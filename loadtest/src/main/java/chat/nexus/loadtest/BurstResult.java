package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The outcome of one {@code companion} burst: acks by outcome, the reply times, and (with the fake
 * upstream's timings) where the time to first token went. Times are in nanoseconds.
 */
final class BurstResult {
  int n;
  int ok;
  int busy;
  int busyNoRetry;
  int errors;
  final Map<String, Integer> errorCodes = new ConcurrentHashMap<>();
  final Samples okAck = new Samples();
  final Samples busyAck = new Samples();
  final Samples ttft = new Samples();
  final Samples done = new Samples();
  final Samples before = new Samples();
  final Samples upstream = new Samples();
  final Samples afterUp = new Samples();
  PromHistogram overhead;

  /**
   * What the users of burst {@code burst} saw; {@code timings}: the fake upstream's arrival and
   * first-token times by message marker, or null.
   */
  static BurstResult of(List<CompanionUser> group, int burst, JsonObject timings) {
    BurstResult r = new BurstResult();
    r.n = group.size();
    for (CompanionUser u : group) {
      JsonArray t = timings == null ? null : timings.getJsonArray(marker(burst, u));
      if (t != null && u.ok && u.firstTokenNs != 0) {
        r.before.add(t.getLong(0) - u.sentNs);
        r.upstream.add(t.getLong(1) - t.getLong(0));
        r.afterUp.add(u.firstTokenNs - t.getLong(1));
      }
      r.add(u);
    }
    return r;
  }

  /** The text's marker of user {@code u}'s message in burst {@code burst}, as the fake logs it. */
  static String marker(int burst, CompanionUser u) {
    return "#m" + burst + "-" + u.k;
  }

  private void add(CompanionUser u) {
    if (u.ackNs == 0) {
      errors++;
      errorCodes.merge("NO_ACK", 1, Integer::sum);
    } else if (u.ok) {
      ok++;
      okAck.add(u.ackNs - u.sentNs);
      if (u.firstTokenNs != 0) {
        ttft.add(u.firstTokenNs - u.sentNs);
      }
      if (u.doneNs != 0) {
        done.add(u.doneNs - u.sentNs);
      } else {
        errors++;
        errorCodes.merge(
            u.replyError == null ? "NO_DONE" : "reply " + u.replyError, 1, Integer::sum);
      }
    } else if ("AI_BUSY".equals(u.errorCode)) {
      busy++;
      busyAck.add(u.ackNs - u.sentNs);
      if (u.retryAfter == null) {
        busyNoRetry++;
      }
    } else {
      errors++;
      errorCodes.merge(String.valueOf(u.errorCode), 1, Integer::sum);
    }
  }

  /** Nanosecond samples; nearest-rank percentiles. */
  static final class Samples {
    private long[] v = new long[16];
    private int n;

    synchronized void add(long x) {
      if (n == v.length) {
        v = Arrays.copyOf(v, n * 2);
      }
      v[n++] = x;
    }

    synchronized int size() {
      return n;
    }

    synchronized long p(double q) {
      if (n == 0) {
        return 0;
      }
      long[] s = Arrays.copyOf(v, n);
      Arrays.sort(s);
      int rank = (int) Math.ceil(q / 100.0 * n);
      return s[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    synchronized long max() {
      return p(100);
    }
  }
}
