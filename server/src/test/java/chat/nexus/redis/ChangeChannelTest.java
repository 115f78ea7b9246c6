package chat.nexus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.TestRedis;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one change channel, node A through a relay the test cuts: each hears the other's
 * changes and not its own; A forgets everything when its link is back, and makes B forget
 * everything when one of A's changes went unsent meanwhile.
 */
class ChangeChannelTest {

  private static final String EVERYTHING = "*";

  @Test
  void aNodeCutOffForgetsAllWhenBackAndMakesTheOthersForgetAllWhenItsChangeWentUnsent()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestRedis redis = new TestRedis()) {
      SharedRedisTest.Relay relay = new SharedRedisTest.Relay(vertx);
      SharedRedis linkA =
          SharedRedis.create(
              vertx, "redis://127.0.0.1:" + relay.server.actualPort(), redis.prefix());
      SharedRedis linkB = SharedRedis.create(vertx, TestRedis.URL, redis.prefix());
      LinkedBlockingQueue<String> atA = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<String> atB = new LinkedBlockingQueue<>();
      AtomicInteger forgotA = new AtomicInteger();
      AtomicInteger forgotB = new AtomicInteger();
      ChangeChannel a =
          ChangeChannel.open(
              linkA, "things", "node-a", EVERYTHING, atA::add, forgotA::incrementAndGet);
      ChangeChannel b =
          ChangeChannel.open(
              linkB, "things", "node-b", EVERYTHING, atB::add, forgotB::incrementAndGet);
      Waits.untilTrue(() -> linkA.up() && linkB.up(), "both links up");
      int forgotAtStart = forgotA.get();
      int bForgotAtStart = forgotB.get();

      a.publish("from a").await(5, TimeUnit.SECONDS);
      b.publish("from b").await(5, TimeUnit.SECONDS);
      assertThat(atB.poll(5, TimeUnit.SECONDS)).isEqualTo("from a");
      assertThat(atA.poll(5, TimeUnit.SECONDS)).isEqualTo("from b");

      relay.cut();
      // a publish that fails completes all the same: the change is the caller's, not Redis'
      a.publish("unsent").await(5, TimeUnit.SECONDS);
      Waits.untilTrue(() -> !linkA.up(), "A cut off");
      relay.refusing = false;
      Waits.untilTrue(linkA::up, "A back");

      Waits.untilTrue(() -> forgotB.get() > bForgotAtStart, "B told to forget all");
      Waits.untilTrue(() -> forgotA.get() > forgotAtStart, "A forgetting all");
      assertThat(atA.poll(200, TimeUnit.MILLISECONDS)).isNull(); // not its own
      assertThat(atB.poll(200, TimeUnit.MILLISECONDS)).isNull(); // "unsent" never went

      // a cut with nothing unsent: A forgets, B is not told
      int forgotBefore = forgotA.get();
      relay.cut();
      Waits.untilTrue(() -> !linkA.up(), "A cut off");
      relay.refusing = false;
      Waits.untilTrue(() -> linkA.up() && forgotA.get() > forgotBefore, "A back, forgetting all");
      assertThat(atB.poll(500, TimeUnit.MILLISECONDS)).isNull();
      assertThat(forgotB.get()).isEqualTo(bForgotAtStart + 1);
      linkA.close();
      linkB.close();
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }
}
