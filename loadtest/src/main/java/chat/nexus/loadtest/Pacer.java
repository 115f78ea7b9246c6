package chat.nexus.loadtest;

/**
 * Open-loop pacing: at any instant, {@code floor(rate * elapsed)} items are due in total. Each tick
 * takes the difference, so timer jitter or a stalled tick is caught up instead of silently lowering
 * the rate.
 */
final class Pacer {
  private final double perSecond;
  private final long startNanos;
  private long issued;

  Pacer(double perSecond, long startNanos) {
    this.perSecond = perSecond;
    this.startNanos = startNanos;
  }

  /** Items due at {@code nowNanos} and not yet taken, at most {@code max}; marks them taken. */
  int take(long nowNanos, int max) {
    long target = (long) ((nowNanos - startNanos) * perSecond / 1e9);
    long n = Math.min(Math.max(0, target - issued), max);
    issued += n;
    return (int) n;
  }

  long issued() {
    return issued;
  }
}
