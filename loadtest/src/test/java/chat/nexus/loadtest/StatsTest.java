package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void jsonRoundTripAndMergeKeepCountsAndHistogram() {
    Stats a = new Stats(2);
    a.connected = 3;
    a.sent = 4;
    a.sentByRoom = new long[] {3, 1};
    a.members = new long[] {2, 1};
    a.delivered = 7;
    a.hist.recordValue(1500);
    Stats b = new Stats(2);
    b.members = new long[] {1, 2};
    b.hist.recordValue(2500);
    b.ready = false;

    Stats a2 = Stats.fromJson(a.toJson());
    assertThat(a2.hist.getTotalCount()).isEqualTo(1);
    assertThat(a2.sentByRoom).containsExactly(3, 1);

    Stats m = Stats.merge(List.of(a2, Stats.fromJson(b.toJson())), 2);
    assertThat(m.workers).isEqualTo(2);
    assertThat(m.ready).isFalse();
    assertThat(m.members).containsExactly(3, 3);
    assertThat(m.expected(true)).isEqualTo(3 * 3 + 1 * 3); // room size counts the sender too
    assertThat(m.hist.getTotalCount()).isEqualTo(2);
    assertThat(m.hist.getMaxValue()).isBetween(2490L, 2510L);
  }

  @Test
  void ackCountsAndCodesSurviveJsonAndMerge() {
    Stats a = new Stats(2);
    a.sent = 10;
    a.acksOk = 7;
    a.ackErrors = 2;
    a.ackCodes.put("UNAVAILABLE", 2L);
    a.connectErrors.put("connect:unauthorized", 3L);
    a.ackHist.recordValue(800);
    Stats b = new Stats(2);
    b.sent = 5;
    b.acksOk = 4;
    b.ackErrors = 1;
    b.ackCodes.put("RATE_LIMITED", 1L);
    b.connectErrors.put("connect:unauthorized", 1L);

    Stats m = Stats.merge(List.of(Stats.fromJson(a.toJson()), Stats.fromJson(b.toJson())), 2);
    assertThat(m.acksOk).isEqualTo(11);
    assertThat(m.acksMissing()).isEqualTo(1);
    assertThat(m.ackCodes)
        .containsExactly(Map.entry("RATE_LIMITED", 1L), Map.entry("UNAVAILABLE", 2L));
    assertThat(m.connectErrors).containsExactly(Map.entry("connect:unauthorized", 4L));
    assertThat(m.ackHist.getTotalCount()).isEqualTo(1);
  }

  @Test
  void chatExpectsEveryMemberButTheSender() {
    Stats s = new Stats(2);
    s.sentByRoom = new long[] {3, 1};
    s.members = new long[] {10, 1};
    assertThat(s.expected(false)).isEqualTo(3 * 9);
    assertThat(s.expected(true)).isEqualTo(3 * 10 + 1);
  }

  @Test
  void tallyKeepsABoundedNumberOfReasons() {
    Tally t = new Tally();
    for (int i = 0; i < Tally.MAX_KEYS + 10; i++) t.add("reason-" + i);
    t.add("reason-0");
    Map<String, Long> m = t.snapshot();
    assertThat(m).hasSize(Tally.MAX_KEYS + 1);
    assertThat(m.get(Tally.OTHER)).isEqualTo(10);
    assertThat(m.get("reason-0")).isEqualTo(2);
  }

  @Test
  void procStatParsingSurvivesOddProcessNames() {
    String stat =
        "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 70 0 0 20 0 1 0 5 1000 10";
    assertThat(Proc.parseCpuTicks(stat)).isEqualTo(320);
    assertThat(Proc.cpuMicros(ProcessHandle.current().pid())).isPositive();
    assertThat(Proc.rssKb(ProcessHandle.current().pid())).isPositive();
  }

  @Test
  void parsesDurations() {
    assertThat(Time.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Time.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Time.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Time.parseDuration("1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Time.parseDuration("PT10S")).isEqualTo(Duration.ofSeconds(10));
  }
}
