package chat.nexus.socketio.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for a condition that has no future to wait on (another node's state, a session
 * count): a test never sleeps to synchronise.
 */
public final class Waits {

  /** The longest a test waits for one expected thing. */
  public static final long TIMEOUT_S = 10;

  /** Between two looks at the condition. */
  private static final long POLL_MS = 10;

  private Waits() {}

  /** Polls {@code condition} until it holds; fails after {@link #TIMEOUT_S}. */
  public static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT_S + " s waiting for " + what);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
