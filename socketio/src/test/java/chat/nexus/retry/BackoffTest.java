package chat.nexus.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.retry.Backoff.Jitter;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeilingDoublesFromTheFirstWaitUpToTheCap() {
    Backoff backoff = new Backoff(250, 5_000, Jitter.NONE);
    long[] expected = {250, 500, 1_000, 2_000, 4_000, 5_000, 5_000};
    for (int attempt = 0; attempt < expected.length; attempt++) {
      assertThat(backoff.ceilingMs(attempt)).isEqualTo(expected[attempt]);
    }
    assertThat(backoff.ceilingMs(Integer.MAX_VALUE)).as("no overflow").isEqualTo(5_000);
  }

  @Test
  void withoutJitterTheWaitIsTheCeiling() {
    Backoff backoff = new Backoff(250, 5_000, Jitter.NONE, new Random(1));
    for (int attempt = 0; attempt < 10; attempt++) {
      assertThat(backoff.delayMs(attempt)).isEqualTo(backoff.ceilingMs(attempt));
    }
  }

  @Test
  void fullJitterStaysUnderTheGrowingCeilingAndSpreads() {
    Backoff backoff = new Backoff(100, 1_000, Jitter.FULL, new Random(1));
    Set<Long> seen = new HashSet<>();
    for (int attempt = 0; attempt < 8; attempt++) {
      long ceiling = Math.min(1_000, 100L << attempt);
      for (int i = 0; i < 200; i++) {
        long delay = backoff.delayMs(attempt);
        assertThat(delay).isBetween(0L, ceiling);
        seen.add(delay);
      }
    }
    assertThat(seen).hasSizeGreaterThan(100);
  }

  @Test
  void equalJitterStaysInTheUpperHalfAndIsNeverZero() {
    Backoff backoff = new Backoff(1, 2_000, Jitter.EQUAL);
    for (int attempt = 0; attempt < 15; attempt++) {
      long ceiling = backoff.ceilingMs(attempt);
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.delayMs(attempt)).isBetween((ceiling + 1) / 2, ceiling).isPositive();
      }
    }
  }

  @Test
  void aSeededRandomGivesRepeatableWaits() {
    Backoff one = new Backoff(100, 8_000, Jitter.FULL, new Random(7));
    Backoff two = new Backoff(100, 8_000, Jitter.FULL, new Random(7));
    for (int attempt = 0; attempt < 10; attempt++) {
      assertThat(one.delayMs(attempt)).isEqualTo(two.delayMs(attempt));
    }
  }

  @Test
  void neverShorterThanAskedFor() {
    Backoff backoff = new Backoff(100, 1_000, Jitter.FULL, new Random(1));
    assertThat(backoff.delayMs(0, 3_000)).isEqualTo(3_000);
    assertThat(backoff.delayMs(3, 0)).isBetween(0L, 800L);
  }

  @Test
  void aZeroFirstWaitRetriesAtOnceAndNegativeWaitsAreRefused() {
    assertThat(new Backoff(0, 1_000, Jitter.FULL).delayMs(5)).isZero();
    assertThatThrownBy(() -> new Backoff(-1, 1_000, Jitter.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
