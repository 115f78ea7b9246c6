package chat.nexus.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's counters and timers (in flight, waiting and rejected come from {@link LlmGate}).
 * Thread-safe. The timers live in the given Micrometer registry (with p50/p99 and a histogram, so
 * that a benchmark or a dashboard reads percentiles); the counters are wired to Prometheus names by
 * the server's metrics.
 */
public final class LlmMetrics {

  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicLong upstreamCalls = new AtomicLong();
  private final AtomicLong upstreamErrors = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final Timer upstreamLatency;
  private final Timer timeToFirstToken;
  private final Timer gatewayOverhead;
  private final Map<LlmUnavailable.Reason, Counter> failures =
      new EnumMap<>(LlmUnavailable.Reason.class);

  /** Timers in a registry of their own (tests, tools). */
  public LlmMetrics() {
    this(new SimpleMeterRegistry());
  }

  public LlmMetrics(MeterRegistry registry) {
    upstreamLatency =
        timer("nexus.llm.upstream.latency", "upstream request sent to its last byte", registry);
    timeToFirstToken =
        timer("nexus.llm.time.to.first.token", "call started to first upstream token", registry);
    // bucket bounds at the round figures a target is stated in ("2 ms at p99"), besides the
    // histogram's own
    gatewayOverhead =
        timer(
            "nexus.llm.gateway.overhead",
            "time the gateway itself adds to a first token: call started to upstream request sent, plus upstream "
                + "first token received to handed to the caller (calls answered at their first attempt)",
            registry,
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(5),
            Duration.ofMillis(10));
    for (LlmUnavailable.Reason reason : LlmUnavailable.Reason.values()) {
      failures.put(
          reason,
          Counter.builder("nexus.llm.upstream.failures")
              .description("LLM calls the upstream failed, by what the user was told")
              .tag("reason", reason.label())
              .register(registry));
    }
  }

  private static Timer timer(
      String name, String description, MeterRegistry registry, Duration... slos) {
    return Timer.builder(name)
        .description(description)
        .publishPercentiles(0.5, 0.99)
        .publishPercentileHistogram()
        .serviceLevelObjectives(slos)
        .register(registry);
  }

  void retried() {
    retries.incrementAndGet();
  }

  void tokens(long n) {
    tokens.addAndGet(n);
  }

  void upstreamCall() {
    upstreamCalls.incrementAndGet();
  }

  void upstreamError(LlmUnavailable.Reason reason) {
    upstreamErrors.incrementAndGet();
    failures.get(reason).increment();
  }

  void cacheHit() {
    cacheHits.incrementAndGet();
  }

  void upstreamLatency(long nanos) {
    upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void firstToken(long nanos) {
    timeToFirstToken.record(nanos, TimeUnit.NANOSECONDS);
  }

  void gatewayOverhead(long nanos) {
    gatewayOverhead.record(nanos, TimeUnit.NANOSECONDS);
  }

  public long retries() {
    return retries.get();
  }

  public long tokens() {
    return tokens.get();
  }

  /** HTTP requests sent upstream, retries included. */
  public long upstreamCalls() {
    return upstreamCalls.get();
  }

  public long upstreamErrors() {
    return upstreamErrors.get();
  }

  /** Calls failed for this reason. */
  public long upstreamFailures(LlmUnavailable.Reason reason) {
    return (long) failures.get(reason).count();
  }

  public long cacheHits() {
    return cacheHits.get();
  }

  public Timer upstreamLatency() {
    return upstreamLatency;
  }

  public Timer timeToFirstToken() {
    return timeToFirstToken;
  }

  public Timer gatewayOverhead() {
    return gatewayOverhead;
  }
}
