package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void fullJitterStaysUnderTheGrowingCeiling() {
    Backoff backoff = new Backoff(100, 1_000, new Random(1));
    for (int attempt = 0; attempt < 8; attempt++) {
      long ceiling = Math.min(1_000, 100L << attempt);
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.delayMs(attempt, 0)).isBetween(0L, ceiling);
      }
    }
  }

  @Test
  void neverShorterThanTheServerAsked() {
    Backoff backoff = new Backoff(100, 1_000, new Random(1));
    assertThat(backoff.delayMs(0, 3_000)).isEqualTo(3_000);
    assertThat(backoff.delayMs(0, 10 * Backoff.MAX_HONOURED_MS)).isEqualTo(Backoff.MAX_HONOURED_MS);
  }

  @Test
  void readsRetryAfterAndRateLimitReset() {
    long now = 1_700_000_000_000L;
    assertThat(Backoff.serverHintMs("2", null, now)).isEqualTo(2_000);
    assertThat(Backoff.serverHintMs("0.5", null, now)).isEqualTo(500);
    assertThat(Backoff.serverHintMs(null, "1s", now)).isEqualTo(1_000);
    assertThat(Backoff.serverHintMs(null, "120ms", now)).isEqualTo(120);
    assertThat(Backoff.serverHintMs("1", "6m0s", now)).isEqualTo(360_000);
    assertThat(Backoff.serverHintMs("garbage", "also garbage", now)).isZero();
    assertThat(Backoff.serverHintMs(null, null, now)).isZero();
  }

  @Test
  void readsAnHttpDate() {
    long now =
        java.time.ZonedDateTime.parse(
                "Wed, 21 Oct 2026 07:28:00 GMT",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant()
            .toEpochMilli();
    assertThat(Backoff.serverHintMs("Wed, 21 Oct 2026 07:28:05 GMT", null, now)).isEqualTo(5_000);
  }

  @Test
  void parsesGoDurations() {
    assertThat(Backoff.parseGoDuration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
    assertThat(Backoff.parseGoDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Backoff.parseGoDuration("")).isEqualTo(Duration.ZERO);
  }
}
