package chat.nexus.socketio.redis;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.Waits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Traffic through a Redis failover: a client on node one sends to a room every {@link #PERIOD_MS}
 * (each send acked), a client beside it and one on node two listen; Redis is killed in the middle.
 * Checks that every acked message reached the sender's node at once, that the nodes see Redis go
 * down and come back by themselves, and that cross-node delivery resumes with the same sockets;
 * measures the gaps.
 */
final class Failover {

  /** Between two sends of the traffic. */
  static final long PERIOD_MS = 20;

  /** Sends before the kill, all of which must cross. */
  private static final int BEFORE = 20;

  /** A promotion takes seconds; longer than one expected event. */
  private static final long RECOVERY_TIMEOUT_S = 30;

  /** What a failover cost, in milliseconds from the kill. */
  record Figures(long downSeenMs, long upAgainMs, long crossingAgainMs, int lostAcrossNodes) {
    @Override
    public String toString() {
      return "link down seen after "
          + downSeenMs
          + " ms, both nodes' links up again after "
          + upAgainMs
          + " ms, cross-node delivery back after "
          + crossingAgainMs
          + " ms; "
          + lostAcrossNodes
          + " messages sent in the gap did not cross";
    }
  }

  private Failover() {}

  static Figures run(
      ClusterNode one,
      ClusterNode two,
      JavaClient sender,
      JavaClient beside,
      JavaClient across,
      String room,
      Runnable kill)
      throws Exception {
    AtomicBoolean sending = new AtomicBoolean(true);
    List<Long> ackedAt = new ArrayList<>();
    CompletableFuture<Void> traffic =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; sending.get(); i++) {
                assertThat(sender.call("to-room", room, "m" + i)).isEqualTo("sent");
                synchronized (ackedAt) {
                  ackedAt.add(System.nanoTime());
                }
                sleep(PERIOD_MS);
              }
            });
    for (int i = 0; i < BEFORE; i++) {
      assertThat(across.next("room-msg")).containsExactly("m" + i);
    }
    long killedAt = System.nanoTime();
    kill.run();
    Waits.until(() -> !one.redis.isUp() || !two.redis.isUp(), "a node to see Redis down");
    long downSeen = System.nanoTime();
    // watched together: when both links are up again, and the first message that crosses after
    // the kill (everything sent after it must follow, in order)
    long upAgain = 0;
    long crossingAgain = 0;
    int next = BEFORE;
    int lost = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_TIMEOUT_S);
    while (upAgain == 0 || crossingAgain == 0) {
      Object[] message = across.poll("room-msg", 5);
      long now = System.nanoTime();
      if (upAgain == 0 && one.redis.isUp() && two.redis.isUp()) {
        upAgain = now;
      }
      if (message != null) {
        int index = Integer.parseInt(String.valueOf(message[0]).substring(1));
        if (crossingAgain == 0 && (index > next || upAgain != 0)) {
          lost = index - next;
          crossingAgain = now;
        }
        assertThat(index).as("messages cross in order").isGreaterThanOrEqualTo(next);
        next = index + 1;
      }
      assertThat(now).as("links up and cross-node delivery back").isLessThan(deadline);
    }
    for (int i = 0; i < BEFORE; i++) {
      assertThat(across.next("room-msg")).containsExactly("m" + next++);
    }
    sending.set(false);
    traffic.get(RECOVERY_TIMEOUT_S, TimeUnit.SECONDS);
    int acked;
    synchronized (ackedAt) {
      acked = ackedAt.size();
    }
    for (int i = 0; i < acked; i++) {
      assertThat(beside.next("room-msg")).as("local delivery never stops").containsExactly("m" + i);
    }
    return new Figures(
        ms(downSeen - killedAt), ms(upAgain - killedAt), ms(crossingAgain - killedAt), lost);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
