package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.testing.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The database worker pool on a real Vert.x: the work waiting for its threads is bounded, and past
 * the bound a task is refused at once with UNAVAILABLE and retryAfter, instead of queueing behind
 * the others without end; once the pool catches up, tasks are taken again.
 */
class BlockingTest {

  private static final int THREADS = 2;
  private static final int QUEUE_LIMIT = 3;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
  }

  @Test
  void aFullQueueIsRefusedAtOnce() throws Exception {
    Blocking blocking = new Blocking(vertx, "blocking-test", THREADS, QUEUE_LIMIT, e -> e);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<String>> accepted = new ArrayList<>();
    for (int i = 0; i < THREADS + QUEUE_LIMIT; i++) {
      int n = i;
      accepted.add(
          blocking.run(
              () -> {
                release.await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
                return "task " + n;
              }));
    }
    Future<String> refused = blocking.run(() -> "one too many");
    assertThat(refused.failed()).as("refused without waiting").isTrue();
    assertThat(refused.cause()).isInstanceOf(ApiException.class);
    ApiException error = (ApiException) refused.cause();
    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(error.retryAfterSeconds()).isPositive();
    assertThat(blocking.pending()).isEqualTo(THREADS + QUEUE_LIMIT);

    release.countDown();
    for (int i = 0; i < accepted.size(); i++) {
      assertThat(accepted.get(i).await(Waits.TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("task " + i);
    }
    Waits.until(() -> blocking.pending() == 0 ? true : null, "the pool to be idle");
    assertThat(blocking.run(() -> "taken again").await(Waits.TIMEOUT_S, TimeUnit.SECONDS))
        .isEqualTo("taken again");
    blocking.close();
  }

  @Test
  void failuresPassThroughTheTranslation() throws Exception {
    ApiException unavailable = new ApiException(ErrorCode.UNAVAILABLE, "down", 2L);
    Blocking blocking =
        new Blocking(
            vertx,
            "blocking-test-2",
            THREADS,
            QUEUE_LIMIT,
            e -> e instanceof java.sql.SQLException ? unavailable : e);
    Future<Object> failed =
        blocking.run(
            () -> {
              throw new java.sql.SQLException("connection refused", "08001");
            });
    Waits.until(() -> failed.isComplete() ? true : null, "the task to fail");
    assertThat(failed.cause()).isSameAs(unavailable);
    blocking.close();
  }
}
