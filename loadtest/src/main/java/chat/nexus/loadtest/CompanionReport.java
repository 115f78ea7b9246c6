package chat.nexus.loadtest;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The Markdown report of a {@code companion} run: the measured burst's acks by outcome, its reply
 * times, the gateway's overhead, the fake upstream's view, and the check burst after it.
 */
final class CompanionReport {
  private final String url;
  private final String characterId;
  private final long firstTokenMs;

  CompanionReport(String url, String characterId, long firstTokenMs) {
    this.url = url;
    this.characterId = characterId;
    this.firstTokenMs = firstTokenMs;
  }

  /**
   * The report of burst {@code b} and the {@code check} burst after it (or null); {@code f0},
   * {@code f1}, {@code f2}: the fake upstream's /stats before and after the burst and at the end
   * (null without --fake-url).
   */
  String markdown(BurstResult b, BurstResult check, JsonObject f0, JsonObject f1, JsonObject f2) {
    StringBuilder s = new StringBuilder();
    outcomes(s, b);
    timings(s, b);
    if (f1 != null) {
      s.append("- fake upstream: peak concurrent requests ")
          .append(f1.getInteger("maxInFlight"))
          .append(", replies served in the burst ")
          .append(f1.getLong("served") - f0.getLong("served"))
          .append(", upstream requests in the burst ")
          .append(f1.getLong("requests") - f0.getLong("requests"))
          .append(", in flight after the burst ")
          .append(f1.getInteger("inFlight"))
          .append('\n');
    }
    if (check != null) {
      check(s, check, f2);
    }
    return s.toString();
  }

  /** The heading and the table of acks by outcome. */
  private void outcomes(StringBuilder s, BurstResult b) {
    s.append("\n## companion burst ").append(Instant.now()).append("\n\n");
    s.append("server ")
        .append(url)
        .append(", ")
        .append(b.n)
        .append(" users at once, character ")
        .append(characterId)
        .append(", upstream first token ")
        .append(firstTokenMs)
        .append(" ms\n\n");
    s.append("| outcome | count | ack p50 ms | ack p99 ms | ack max ms |\n|---|---|---|---|---|\n");
    s.append(row("served (ok)", b.ok, b.okAck)).append(row("AI_BUSY", b.busy, b.busyAck));
    s.append("| errors | ")
        .append(b.errors)
        .append(" | ")
        .append(b.errorCodes)
        .append(" | | |\n\n");
    s.append("- AI_BUSY acks without retryAfter: ").append(b.busyNoRetry).append('\n');
  }

  /** Time to first token, the gateway's share of it, and time to done. */
  private void timings(StringBuilder s, BurstResult b) {
    s.append("- time to first token (from send): ").append(pct(b.ttft)).append('\n');
    s.append("- gateway overhead = TTFT - ")
        .append(firstTokenMs)
        .append(" ms: p50 ")
        .append(ms(b.ttft.p(50) - firstTokenMs * 1_000_000))
        .append(" ms, p99 ")
        .append(ms(b.ttft.p(99) - firstTokenMs * 1_000_000))
        .append(" ms, max ")
        .append(ms(b.ttft.max() - firstTokenMs * 1_000_000))
        .append(" ms\n");
    if (b.before.size() > 0) {
      s.append("- TTFT split by the fake's clock (n=")
          .append(b.before.size())
          .append("): send to upstream request ")
          .append(pct(b.before))
          .append("; upstream first token ")
          .append(pct(b.upstream))
          .append("; upstream first token to client ")
          .append(pct(b.afterUp))
          .append('\n');
    }
    if (b.overhead != null && b.overhead.count() > 0) {
      s.append("- gateway overhead by the server's clock (")
          .append(Companion.OVERHEAD)
          .append(", n=")
          .append(b.overhead.count())
          .append("): p50 ≤ ")
          .append(String.format("%.3f", b.overhead.percentile(50) * 1e3))
          .append(" ms, p99 ≤ ")
          .append(String.format("%.3f", b.overhead.percentile(99) * 1e3))
          .append(" ms\n");
    }
    s.append("- time to companion:done (from send): ").append(pct(b.done)).append('\n');
  }

  /** The burst after the measured one: all served means every permit came back. */
  private static void check(StringBuilder s, BurstResult check, JsonObject f2) {
    s.append("- after the burst, ")
        .append(check.n)
        .append(" users at once: ")
        .append(check.ok)
        .append(" served, ")
        .append(check.busy)
        .append(" AI_BUSY, ")
        .append(check.errors)
        .append(" errors")
        .append(check.ok == check.n ? " (every permit came back)" : " (PERMITS MISSING?)");
    if (f2 != null) {
      s.append("; upstream in flight at the end ")
          .append(f2.getInteger("inFlight"))
          .append(", peak ")
          .append(f2.getInteger("maxInFlight"));
    }
    s.append('\n');
  }

  private static String row(String name, int count, BurstResult.Samples x) {
    return "| "
        + name
        + " | "
        + count
        + " | "
        + ms(x.p(50))
        + " | "
        + ms(x.p(99))
        + " | "
        + ms(x.max())
        + " |\n";
  }

  private static String pct(BurstResult.Samples x) {
    return "p50 "
        + ms(x.p(50))
        + " ms, p99 "
        + ms(x.p(99))
        + " ms, max "
        + ms(x.max())
        + " ms (n="
        + x.size()
        + ")";
  }

  private static String ms(long ns) {
    return String.format("%.2f", ns / 1e6);
  }
}
