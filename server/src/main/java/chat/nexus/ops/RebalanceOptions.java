package chat.nexus.ops;

import chat.nexus.config.Settings;
import java.util.Map;

/**
 * When a node asks some of its clients to reconnect elsewhere, so that a restarted or added node
 * fills up. Balancers only place new connections; long-lived sockets stay where they landed, so
 * without this a node that came back after a restart would stay nearly empty until clients leave on
 * their own.
 *
 * <p>A node moves clients only when it holds clearly more than its share: more than the mean of the
 * ready nodes by {@code tolerancePercent} percent and by {@code minExcess} connections. Then it
 * moves clients until it holds at most {@link #SETTLED_PERCENT} percent above the mean, at most
 * {@code maxMovePercent} percent of its connections per interval, each close at a random moment of
 * the interval. It never moves while fewer than two nodes are ready or while the set of ready nodes
 * changed since the previous interval (a node starting or draining).
 *
 * @param enabled REBALANCE (on/off); needs REDIS_URL, through which nodes share their counts
 * @param intervalMs REBALANCE_INTERVAL_MS: how often a node reports its count and decides
 * @param tolerancePercent REBALANCE_TOLERANCE_PERCENT: above the mean by more than this, a node
 *     starts moving clients
 * @param minExcess REBALANCE_MIN_EXCESS: and by more than this many connections (small clusters are
 *     left alone)
 * @param maxMovePercent REBALANCE_MAX_MOVE_PERCENT: at most this share of a node's connections is
 *     asked to reconnect per interval
 */
public record RebalanceOptions(
    boolean enabled, long intervalMs, int tolerancePercent, int minExcess, int maxMovePercent) {

  public static final long DEFAULT_INTERVAL_MS = 5_000;
  public static final int DEFAULT_TOLERANCE_PERCENT = 20;
  public static final int DEFAULT_MIN_EXCESS = 20;

  /**
   * 5 % of 5,000 sockets per 5 s is 50 reconnections a second: invisible next to a node's handshake
   * capacity, and a restarted node of a three-node cluster holds its share within a minute.
   */
  public static final int DEFAULT_MAX_MOVE_PERCENT = 5;

  /**
   * Once moving, a node goes on down to this much above the mean (not just below the tolerance), so
   * that the nodes end close to each other instead of all sitting at the threshold.
   */
  public static final int SETTLED_PERCENT = 5;

  public static RebalanceOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    RebalanceOptions options =
        new RebalanceOptions(
            s.bool("REBALANCE", true),
            s.wholeNumber("REBALANCE_INTERVAL_MS", DEFAULT_INTERVAL_MS, 100, 3_600_000),
            (int) s.wholeNumber("REBALANCE_TOLERANCE_PERCENT", DEFAULT_TOLERANCE_PERCENT, 1, 1000),
            (int) s.wholeNumber("REBALANCE_MIN_EXCESS", DEFAULT_MIN_EXCESS, 0, 1_000_000),
            (int) s.wholeNumber("REBALANCE_MAX_MOVE_PERCENT", DEFAULT_MAX_MOVE_PERCENT, 1, 100));
    s.check();
    return options;
  }

  public String description() {
    return enabled
        ? "on (above the mean by "
            + tolerancePercent
            + " % and "
            + minExcess
            + " connections; at most "
            + maxMovePercent
            + " % per "
            + intervalMs
            + " ms)"
        : "off";
  }
}
