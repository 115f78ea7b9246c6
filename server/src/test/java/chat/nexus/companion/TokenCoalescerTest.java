package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenCoalescerTest {

  /** The pace of the tokens fed in: far faster than the interval they are coalesced over. */
  private static final long BETWEEN_TOKENS_MS = 1;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void atMostOneEventPerIntervalAndNothingLost() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    TokenCoalescer tokens =
        new TokenCoalescer(vertx, CompanionService.TOKEN_INTERVAL_MS, events::add);
    tokens.start();
    StringBuilder all = new StringBuilder();
    long start = System.nanoTime();
    for (int i = 0; System.nanoTime() - start < 400_000_000L; i++) {
      tokens.add("t" + i + " ");
      all.append("t").append(i).append(' ');
      Thread.sleep(BETWEEN_TOKENS_MS); // the point: tokens arriving over time, as from a provider
    }
    tokens.flush();
    assertThat(String.join("", events)).isEqualTo(all.toString());
    // At most one event per interval over the whole run, and more than the final flush. (Gaps
    // between single events are not checked: a busy machine can pause the thread between the
    // coalescer's clock and the test's.)
    assertThat(events.size()).isBetween(2, 400 / (int) CompanionService.TOKEN_INTERVAL_MS + 3);
  }

  @Test
  void nothingBeforeStartNorAfterClose() {
    List<String> events = new CopyOnWriteArrayList<>();
    TokenCoalescer tokens = new TokenCoalescer(vertx, 50, events::add);
    tokens.add("a");
    tokens.add("b");
    assertThat(events).isEmpty();
    tokens.start();
    assertThat(events).containsExactly("ab");
    tokens.close();
    tokens.add("c");
    tokens.flush();
    assertThat(events).containsExactly("ab");
  }
}
