package chat.nexus.ops;

import chat.nexus.config.Settings;
import java.util.Map;

/**
 * How a node leaves the cluster without dropping anyone: first it only says it is going (/ready
 * answers 503) for {@code graceMs}, then it stores what is queued and closes its sockets in waves
 * over {@code closeMs}, so that clients reconnect to the other nodes a few at a time.
 *
 * @param graceMs DRAIN_GRACE_MS: /ready answers 503 this long before anything else happens, while
 *     the node serves its clients as before
 * @param closeMs DRAIN_CLOSE_MS: the sockets are closed in waves spread over this time
 */
public record DrainOptions(long graceMs, long closeMs) {

  /**
   * Longer than the probe period of common balancers, so that each has seen the 503 and stopped
   * sending new clients before the node closes anything: Kubernetes readiness (periodSeconds 10 by
   * default; endpoints follow within a second or two), AWS ALB/NLB health checks (5-10 s with the
   * threshold at its minimum of 2 at 5 s), HAProxy (inter 2 s, fall 3: 6 s).
   */
  public static final long DEFAULT_GRACE_MS = 15_000;

  /**
   * A thousand reconnections a second at most for a node of 5,000 sockets: the other nodes take
   * them in their stride, and a client is back within a few seconds.
   */
  public static final long DEFAULT_CLOSE_MS = 5_000;

  /** An hour: anything longer is a typo, and would hold a deploy that long. */
  static final long MAX_MS = 3_600_000;

  public static DrainOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    DrainOptions options =
        new DrainOptions(
            s.wholeNumber("DRAIN_GRACE_MS", DEFAULT_GRACE_MS, 0, MAX_MS),
            s.wholeNumber("DRAIN_CLOSE_MS", DEFAULT_CLOSE_MS, 0, MAX_MS));
    s.check();
    return options;
  }

  /** Storing the queue (10 s at most) and the stop steps after the sockets are closed (5 s). */
  static final long STORE_AND_STOP_MS = 15_000;

  /** The longest a drain may take from its start to the node's exit (for a preStop client). */
  public long worstCaseMs() {
    return graceMs + closeMs + STORE_AND_STOP_MS;
  }
}
