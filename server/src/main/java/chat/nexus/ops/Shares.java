package chat.nexus.ops;

import java.util.Collection;

/**
 * The rebalancing rule of {@link RebalanceOptions}, without Redis or sockets: how many clients one
 * node asks to reconnect elsewhere in one interval.
 */
final class Shares {

  private final RebalanceOptions options;

  Shares(RebalanceOptions options) {
    this.options = options;
  }

  /** The mean connections of the ready nodes (this one included). */
  static double mean(Collection<Long> readyCounts) {
    return readyCounts.stream().mapToLong(Long::longValue).average().orElse(0);
  }

  /** Whether a node holding {@code mine} is clearly over its share, so that it starts moving. */
  boolean over(long mine, double mean) {
    return mine > mean * (1 + options.tolerancePercent() / 100.0)
        && mine - mean > options.minExcess();
  }

  /**
   * The most a node may hold once it has started moving: a little above the mean (rounded down, so
   * that small clusters end as even as whole clients allow).
   */
  static long settled(double mean) {
    return (long) Math.floor(mean * (1 + RebalanceOptions.SETTLED_PERCENT / 100.0));
  }

  /** Clients to move now: down to {@link #settled}, at most maxMovePercent of {@code mine}. */
  int toMove(long mine, double mean) {
    long excess = mine - settled(mean);
    if (excess <= 0) {
      return 0;
    }
    long cap = Math.max(1, mine * options.maxMovePercent() / 100);
    return (int) Math.min(excess, cap);
  }
}
