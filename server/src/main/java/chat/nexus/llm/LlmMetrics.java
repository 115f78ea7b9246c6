package chat.nexus.llm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's counters (in flight, waiting and rejected come from {@link LlmGate}). Thread-safe; the
 * Prometheus / Micrometer names are wired elsewhere.
 */
public final class LlmMetrics {

  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicLong upstreamCalls = new AtomicLong();
  private final AtomicLong upstreamErrors = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final Summary upstreamLatency = new Summary();
  private final Summary timeToFirstToken = new Summary();

  /** Count, sum and max of observations in milliseconds. */
  public static final class Summary {
    private long count;
    private double sumMs;
    private double maxMs;

    synchronized void record(double ms) {
      count++;
      sumMs += ms;
      maxMs = Math.max(maxMs, ms);
    }

    public synchronized long count() {
      return count;
    }

    public synchronized double sumMs() {
      return sumMs;
    }

    public synchronized double maxMs() {
      return maxMs;
    }

    public synchronized double meanMs() {
      return count == 0 ? 0 : sumMs / count;
    }
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

  void upstreamError() {
    upstreamErrors.incrementAndGet();
  }

  void cacheHit() {
    cacheHits.incrementAndGet();
  }

  void upstreamLatency(long nanos) {
    upstreamLatency.record(nanos / 1e6);
  }

  void firstToken(long nanos) {
    timeToFirstToken.record(nanos / 1e6);
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

  public long cacheHits() {
    return cacheHits.get();
  }

  public Summary upstreamLatency() {
    return upstreamLatency;
  }

  public Summary timeToFirstToken() {
    return timeToFirstToken;
  }
}
