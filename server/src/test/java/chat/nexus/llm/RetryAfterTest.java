package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.retry.Backoff;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  @Test
  void aRetryWaitsAtLeastWhatTheServerAskedUpToTheBound() {
    Backoff backoff = new Backoff(100, 1_000, Backoff.Jitter.FULL, new Random(1));
    assertThat(backoff.delayMs(0, RetryAfter.honouredMs(3_000))).isEqualTo(3_000);
    assertThat(backoff.delayMs(0, RetryAfter.honouredMs(10 * RetryAfter.MAX_HONOURED_MS)))
        .isEqualTo(RetryAfter.MAX_HONOURED_MS);
  }

  @Test
  void readsRetryAfterAndRateLimitReset() {
    long now = 1_700_000_000_000L;
    assertThat(RetryAfter.serverHintMs("2", null, now)).isEqualTo(2_000);
    assertThat(RetryAfter.serverHintMs("0.5", null, now)).isEqualTo(500);
    assertThat(RetryAfter.serverHintMs(null, "1s", now)).isEqualTo(1_000);
    assertThat(RetryAfter.serverHintMs(null, "120ms", now)).isEqualTo(120);
    assertThat(RetryAfter.serverHintMs("1", "6m0s", now)).isEqualTo(360_000);
    assertThat(RetryAfter.serverHintMs("garbage", "also garbage", now)).isZero();
    assertThat(RetryAfter.serverHintMs(null, null, now)).isZero();
  }

  @Test
  void readsAnHttpDate() {
    long now =
        java.time.ZonedDateTime.parse(
                "Wed, 21 Oct 2026 07:28:00 GMT",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant()
            .toEpochMilli();
    assertThat(RetryAfter.serverHintMs("Wed, 21 Oct 2026 07:28:05 GMT", null, now))
        .isEqualTo(5_000);
  }

  @Test
  void parsesGoDurations() {
    assertThat(RetryAfter.parseGoDuration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
    assertThat(RetryAfter.parseGoDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(RetryAfter.parseGoDuration("")).isEqualTo(Duration.ZERO);
  }
}
