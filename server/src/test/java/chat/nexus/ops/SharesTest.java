package chat.nexus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharesTest {

  private final Shares shares = new Shares(RebalanceOptions.fromEnv(Map.of()));

  @Test
  void aNodeMovesOnlyWhenClearlyOverItsShare() {
    // a restarted node of three: the other two hold everything
    double mean = Shares.mean(List.of(1500L, 1500L, 0L));
    assertThat(shares.over(1500, mean)).isTrue();
    // 19 % above the mean: within the tolerance
    assertThat(shares.over(1190, 1000)).isFalse();
    // 50 % above the mean but only 15 connections: small clusters are left alone
    assertThat(shares.over(45, 30)).isFalse();
    assertThat(shares.over(1250, 1000)).isTrue();
  }

  @Test
  void itMovesDownToALittleAboveTheMeanAtMostFivePercentAtATime() {
    assertThat(Shares.settled(1000)).isEqualTo(1050);
    assertThat(shares.toMove(1500, 1000)).as("5 %% of 1500").isEqualTo(75);
    assertThat(shares.toMove(1060, 1000)).isEqualTo(10);
    assertThat(shares.toMove(1050, 1000)).isZero();
    assertThat(shares.toMove(10, 1)).as("at least one").isEqualTo(1);
  }

  @Test
  void optionsAreReadWithDefaultsAndCheckedBounds() {
    RebalanceOptions defaults = RebalanceOptions.fromEnv(Map.of());
    assertThat(defaults.enabled()).isTrue();
    assertThat(defaults.intervalMs()).isEqualTo(5_000);
    assertThat(RebalanceOptions.fromEnv(Map.of("REBALANCE", "off")).enabled()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RebalanceOptions.fromEnv(Map.of("REBALANCE_MAX_MOVE_PERCENT", "0")))
        .hasMessageContaining("REBALANCE_MAX_MOVE_PERCENT");
    DrainOptions drain = DrainOptions.fromEnv(Map.of("DRAIN_GRACE_MS", "20000"));
    assertThat(drain.graceMs()).isEqualTo(20_000);
    assertThat(drain.closeMs()).isEqualTo(DrainOptions.DEFAULT_CLOSE_MS);
  }
}
