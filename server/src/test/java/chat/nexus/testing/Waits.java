package chat.nexus.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on futures: a test never hangs and never sleeps to synchronise. */
public final class Waits {

  /** The longest a test waits for one expected thing. */
  public static final long TIMEOUT_S = 15;

  /** Between two looks at a condition that has no future to wait on (another process's state). */
  private static final long POLL_MS = 50;

  private Waits() {}

  public static <T> T get(CompletableFuture<T> future, String what) {
    return get(future, TIMEOUT_S, what);
  }

  public static <T> T get(CompletableFuture<T> future, long seconds, String what) {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /** A condition looked at again and again; an exception from it fails the wait at once. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} until it holds; fails after TIMEOUT_S. */
  public static void untilTrue(Condition condition, String what) {
    if (!within(Duration.ofSeconds(TIMEOUT_S), condition, what)) {
      throw new AssertionError("timed out after " + TIMEOUT_S + " s waiting for " + what);
    }
  }

  /**
   * Whether {@code condition} comes to hold within {@code timeout}, polling it; for a test that
   * asserts on the answer itself.
   */
  public static boolean within(Duration timeout, Condition condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.holds()) {
          return true;
        }
      } catch (Exception e) {
        throw new AssertionError("waiting for " + what + " failed: " + e, e);
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause(what);
    }
  }

  /**
   * Polls {@code check} until it returns non-null (what was waited for), or fails after TIMEOUT_S.
   */
  public static <T> T until(java.util.function.Supplier<T> check, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (true) {
      T value = check.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT_S + " s waiting for " + what);
      }
      pause(what);
    }
  }

  private static void pause(String what) {
    try {
      Thread.sleep(POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }
}
