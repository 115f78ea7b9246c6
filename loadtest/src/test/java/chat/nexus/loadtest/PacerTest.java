package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {
  private static final long MS = 1_000_000L;

  @Test
  void spreadsRateEvenlyOverTenMillisecondTicks() {
    Pacer p = new Pacer(450, 0);
    int total = 0;
    for (int tick = 1; tick <= 100; tick++) {
      int n = p.take(tick * 10 * MS, Integer.MAX_VALUE);
      assertThat(n).isBetween(4, 5);
      total += n;
    }
    assertThat(total).isEqualTo(450);
  }

  @Test
  void fractionalRatesAccumulate() {
    Pacer p = new Pacer(2.5, 0); // split of 5/s over two loops
    int total = 0;
    for (int tick = 1; tick <= 400; tick++) total += p.take(tick * 10 * MS, Integer.MAX_VALUE);
    assertThat(total).isEqualTo(10);
  }

  @Test
  void catchesUpAfterAStall() {
    Pacer p = new Pacer(1000, 0);
    assertThat(p.take(10 * MS, Integer.MAX_VALUE)).isEqualTo(10);
    assertThat(p.take(510 * MS, Integer.MAX_VALUE)).isEqualTo(500);
  }

  @Test
  void capLimitsATickButNothingIsLost() {
    Pacer p = new Pacer(1000, 0);
    assertThat(p.take(100 * MS, 30)).isEqualTo(30);
    assertThat(p.take(100 * MS, Integer.MAX_VALUE)).isEqualTo(70);
    assertThat(p.issued()).isEqualTo(100);
  }
}
