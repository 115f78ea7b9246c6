package chat.nexus.socketio.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The recovery log's byte budget, without sockets. */
class RecoveryLogTest {

  private static final BroadcastOptions EVERYONE =
      new BroadcastOptions(Set.of(), Set.of(), false, false);

  @Test
  void theOldestPacketsLeaveWhenTheBytesRunOut() {
    RecoveryLog log = new RecoveryLog(60_000, 100_000);
    for (int i = 0; i < 50; i++) {
      log.record(
          new JsonArray().add("msg").add(new JsonObject().put("text", "x".repeat(4_000))),
          EVERYONE);
    }
    assertThat(log.bytes()).isLessThanOrEqualTo(100_000);
    assertThat(log.size()).isBetween(10, 12); // about 8 KB each
  }

  @Test
  void aPacketLargerThanTheBudgetEmptiesTheLogSoThatNobodyIsRecoveredPastIt() {
    RecoveryLog log = new RecoveryLog(60_000, 100_000);
    JsonArray first = new JsonArray().add("msg").add("small");
    log.record(first, EVERYONE);
    String firstOffset = first.getString(first.size() - 1);
    log.persist(new PersistedSession("sid", "pid", Set.of(), null, List.of()));
    log.record(new JsonArray().add("msg").add("x".repeat(60_000)), EVERYONE);
    assertThat(log.size()).isZero();
    assertThat(log.restore("pid", firstOffset)).isNull();
  }

  @Test
  void estimatesCountCharactersContainersAndBinary() {
    long text = RecoveryLog.estimateBytes("x".repeat(1_000));
    assertThat(text).isBetween(2_000L, 2_100L);
    long nested =
        RecoveryLog.estimateBytes(
            new JsonObject().put("a", new JsonArray().add("x".repeat(1_000)).add(3)));
    assertThat(nested).isGreaterThan(text);
    assertThat(RecoveryLog.estimateBytes(new byte[10_000])).isGreaterThanOrEqualTo(10_000L);
  }
}
