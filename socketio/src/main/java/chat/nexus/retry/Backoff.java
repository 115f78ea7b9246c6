package chat.nexus.retry;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How long to wait before trying again something that failed: the first wait doubled on each
 * failure in a row up to a cap (the ceiling), with a chosen share of it random (jitter), so that
 * many callers that failed at the same moment do not all come back at the same moment.
 *
 * <p>It lives in the Socket.IO library's jar, in a package of its own, because both modules retry
 * with it: the library's Redis link reconnects with it, the chat server's LLM client and its
 * database start-up retry with it. The library cannot depend on the server, and this class knows
 * nothing of Socket.IO, so it is not in one of the library's protocol packages.
 */
public final class Backoff {

  /** How much of each wait is random. */
  public enum Jitter {
    /** The wait is the ceiling itself: one process retrying alone has no one to spread from. */
    NONE(0),
    /**
     * Between half the ceiling and the ceiling ("equal jitter"): spread out, and never much sooner
     * than planned (nodes reconnecting to the same Redis).
     */
    EQUAL(0.5),
    /**
     * Anywhere from zero to the ceiling ("full jitter"): the widest spread, for many requests
     * retrying against the same upstream.
     */
    FULL(1);

    private final double share;

    Jitter(double share) {
      this.share = share;
    }
  }

  /** Doublings beyond this would overflow a long; any cap is reached long before. */
  private static final int MAX_DOUBLINGS = 20;

  private final long firstMs;
  private final long capMs;
  private final Jitter jitter;
  private final Supplier<RandomGenerator> random;

  /**
   * Random waits from the calling thread's {@link ThreadLocalRandom}: usable from any thread.
   *
   * @param firstMs the ceiling of the first wait (attempt 0)
   * @param capMs the largest ceiling, however many failures in a row
   */
  public Backoff(long firstMs, long capMs, Jitter jitter) {
    this(firstMs, capMs, jitter, ThreadLocalRandom::current);
  }

  /** Random waits from {@code random} (a seeded one makes them repeatable in tests). */
  public Backoff(long firstMs, long capMs, Jitter jitter, RandomGenerator random) {
    this(firstMs, capMs, jitter, () -> random);
  }

  private Backoff(long firstMs, long capMs, Jitter jitter, Supplier<RandomGenerator> random) {
    if (firstMs < 0 || capMs < 0) {
      throw new IllegalArgumentException(
          "backoff delays must not be negative, got " + firstMs + " and " + capMs);
    }
    this.firstMs = firstMs;
    this.capMs = capMs;
    this.jitter = jitter;
    this.random = random;
  }

  /** The longest wait before try number {@code attempt} + 1 (0 after the first failure). */
  public long ceilingMs(int attempt) {
    return Math.min(capMs, firstMs << Math.min(Math.max(attempt, 0), MAX_DOUBLINGS));
  }

  /** The wait after {@code attempt} + 1 failures in a row: the ceiling less its random share. */
  public long delayMs(int attempt) {
    long ceiling = ceilingMs(attempt);
    long randomPart = (long) (ceiling * jitter.share);
    if (randomPart <= 0) {
      return ceiling;
    }
    return ceiling - randomPart + (long) (random.get().nextDouble() * randomPart);
  }

  /** As {@link #delayMs(int)}, but never shorter than {@code atLeastMs} (what a server asked). */
  public long delayMs(int attempt, long atLeastMs) {
    return Math.max(delayMs(attempt), atLeastMs);
  }
}
