package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ladder's pieces that need no server: the mix, metric parsing, stage differences, chart
 * scales, redaction.
 */
class LadderPartsTest {

  @Test
  void theMixSpreadsCompanionUsersEvenlyOverEveryPrefixAndFillsRoomsInOrder() {
    Mix mix = new Mix(0.1, 100, 0.05, 0.03, "c1");
    int companions = 0;
    for (int g = 0; g < 1000; g++) {
      if (mix.companion(g)) companions++;
      if (g == 99) assertThat(companions).isEqualTo(10);
    }
    assertThat(companions).isEqualTo(100);
    assertThat(mix.room(0)).isZero();
    assertThat(mix.room(110))
        .isEqualTo(mix.chatBefore(110) / 100)
        .isEqualTo(0); // 99 chat users before it
    assertThat(mix.room(112)).isEqualTo(1);
    assertThat(mix.rooms(10_000)).isEqualTo(90);
    assertThat(new Mix(0, 100, 1, 0, null).rooms(1000)).isEqualTo(10);
    assertThat(new Mix(1, 100, 0, 1, "c").companion(0)).isTrue();
  }

  @Test
  void prometheusTextIsSummedOverSeriesAndUnwantedNamesAreSkipped() {
    String text =
        """
        # HELP jvm_memory_used_bytes The amount of used memory
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 3000000.0
        nexus_connections 42.0
        nexus_llm_rejected_total 7.0 1700000000000
        nexus_llm_waiting NaN
        process_cpu_usage 0.25
        other_metric 9
        """;
    Map<String, Double> m = ServerMetrics.parse(text, ServerMetrics.DEFAULT_NAMES);
    assertThat(m)
        .containsEntry("jvm_memory_used_bytes", 1.5e7)
        .containsEntry("nexus_connections", 42.0)
        .containsEntry("nexus_llm_rejected_total", 7.0)
        .containsEntry("process_cpu_usage", 0.25)
        .doesNotContainKeys("other_metric", "nexus_llm_waiting");
    assertThat(ServerMetrics.counter("nexus_llm_rejected_total")).isTrue();
    assertThat(ServerMetrics.counter("nexus_connections")).isFalse();
  }

  @Test
  void aStageIsTheDifferenceOfTwoCumulativeReports() {
    Stats a = new Stats(2);
    a.attempted = 10;
    a.connected = 10;
    a.sent = 5;
    a.sentByRoom[0] = 5;
    a.ackCodes.put("UNAVAILABLE", 1L);
    a.ackHist.recordValue(1000);
    Stats b = new Stats(2);
    b.attempted = 30;
    b.connected = 29;
    b.target = 30;
    b.sent = 12;
    b.sentByRoom[0] = 5;
    b.sentByRoom[1] = 7;
    b.members[1] = 19;
    b.ackCodes.put("UNAVAILABLE", 1L);
    b.ackCodes.put("ai:AI_BUSY", 3L);
    b.ackHist.recordValue(1000);
    b.ackHist.recordValue(5000);
    Stats d = b.minus(a);
    assertThat(d.attempted).isEqualTo(20);
    assertThat(d.connected).isEqualTo(29);
    assertThat(d.sent).isEqualTo(7);
    assertThat(d.expected(false)).isEqualTo(7 * 18);
    assertThat(d.ackCodes).containsExactly(Map.entry("ai:AI_BUSY", 3L));
    assertThat(d.ackHist.getTotalCount()).isEqualTo(1);
    assertThat(d.ackHist.getMaxValue()).isBetween(4990L, 5010L);
  }

  @Test
  void chartScalesAndNumbersReadWell() {
    assertThat(Svg.niceCeil(730)).isEqualTo(1000);
    assertThat(Svg.niceCeil(180)).isEqualTo(200);
    assertThat(Svg.niceCeil(0.3)).isEqualTo(0.5);
    assertThat(Svg.ticks(new double[] {1, 100}, true))
        .containsExactly(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0);
    assertThat(Svg.fmt(1234)).isEqualTo("1,234");
    assertThat(Svg.fmt(49_500)).isEqualTo("49.5k");
    assertThat(Svg.fmt(2.5)).isEqualTo("2.5");
    assertThat(Svg.fmt(0.0421)).isEqualTo("0.042");
    assertThat(Svg.esc("<a href='x'>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;");
  }

  @Test
  void theSecretNeverReachesTheResult() {
    assertThat(
            Ladder.redacted(
                new String[] {
                  "ladder", "--jwt-secret", "s3cret", "--jwt-secret=s3cret", "--out", "x"
                }))
        .containsExactly("ladder", "--jwt-secret", "***", "--jwt-secret=***", "--out", "x");
  }

  @Test
  void guestRetriesFollowRetryAfterWithinBounds() {
    assertThat(GuestSignIn.retryMs("3")).isEqualTo(3000);
    assertThat(GuestSignIn.retryMs("0")).isEqualTo(100);
    assertThat(GuestSignIn.retryMs("3600")).isEqualTo(GuestSignIn.MAX_RETRY_MS);
    assertThat(GuestSignIn.retryMs(null)).isEqualTo(GuestSignIn.DEFAULT_RETRY_MS);
    assertThat(List.of(Companions.event(Frames.bytes("42[\"companion:token\",{}]"), 22)))
        .containsExactly(Companions.Event.TOKEN);
  }
}
