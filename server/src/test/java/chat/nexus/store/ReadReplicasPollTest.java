package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Waits;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The replica poller without a database: an Error thrown in a poll does not end the polling, and a
 * poll that hangs does not keep reads on a replica it last saw in use.
 */
class ReadReplicasPollTest {

  @Test
  void anErrorInOnePollDoesNotStopTheNext() {
    AtomicInteger polls = new AtomicInteger();
    try (ReadReplicas replicas =
        new ReadReplicas(
            null,
            () -> {
              if (polls.incrementAndGet() == 1) {
                throw new AssertionError("as the driver's assertions do");
              }
              return false;
            },
            List.of(),
            1_000)) {
      Waits.untilTrue(() -> polls.get() >= 3, "polls after the one that threw an Error");
    }
  }

  @Test
  void aReplicaLastSeenBeforeAHungPollStopsServingReads() {
    CountDownLatch hung = new CountDownLatch(1);
    ReadReplicas.Replica replica = new ReadReplicas.Replica("r1", new HikariDataSource());
    replica.usable = true;
    replica.replayed = 0;
    replica.usableAt = System.nanoTime();
    try (ReadReplicas replicas =
        new ReadReplicas(null, () -> awaitQuietly(hung), List.of(replica), 0)) {
      Waits.untilTrue(
          () -> replicas.choose("room:1").isEmpty(), "reads to leave the unwatched replica");
      assertThat(replicas.choose("room:2")).isEmpty();
      assertThat(replicas.inUse(replica)).isFalse();
    } finally {
      hung.countDown();
    }
  }

  /** The primary's health check of a poll that hangs until the test ends. */
  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
