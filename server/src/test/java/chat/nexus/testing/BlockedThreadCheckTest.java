package chat.nexus.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves that {@link NoBlockedThreads} would see a blocked event loop: it blocks one on purpose.
 */
@NoBlockedThreads.ExpectsBlockedThreads
class BlockedThreadCheckTest {

  private static final long MAX_EXECUTE_MS = 50;
  private static final long BLOCK_MS = 600;

  /** How long the checker watches a loop that never blocks. */
  private static final long QUIET_MS = 200;

  @Test
  void aBlockedEventLoopIsCaught() throws Exception {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(MAX_EXECUTE_MS)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(10)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    try (BlockedThreadLog log = BlockedThreadLog.attach()) {
      CompletableFuture<String> done = new CompletableFuture<>();
      vertx.runOnContext(
          v -> {
            try {
              Thread.sleep(BLOCK_MS); // the point of this test: an event loop that blocks
              done.complete(Thread.currentThread().getName());
            } catch (InterruptedException e) {
              done.completeExceptionally(e);
            }
          });
      assertThat(log.awaitWarning(Waits.TIMEOUT_S, TimeUnit.SECONDS))
          .as("a blocked-thread warning")
          .isTrue();
      String loop = Waits.get(done, "the blocking task");
      assertThat(loop).startsWith("vert.x-eventloop-thread");
      assertThat(log.warnings())
          .isNotEmpty()
          .allSatisfy(w -> assertThat(w).contains(loop).contains("has been blocked for"));
    } finally {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      vertx.close().onComplete(r -> closed.complete(null));
      Waits.get(closed, "closing the throwaway Vert.x");
    }
  }

  @Test
  void nothingIsCaughtWhenNothingBlocks() throws Exception {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(
                    500) // generous: a loaded CI machine may pause a thread now and then
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(10)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    try (BlockedThreadLog log = BlockedThreadLog.attach()) {
      CompletableFuture<Long> timer = new CompletableFuture<>();
      // the point: the loop stays free for QUIET_MS while the checker looks at it every 10 ms
      vertx.setTimer(QUIET_MS, timer::complete);
      Waits.get(timer, "a timer");
      assertThat(log.warnings()).isEmpty();
    } finally {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      vertx.close().onComplete(r -> closed.complete(null));
      Waits.get(closed, "closing the throwaway Vert.x");
    }
  }
}
