package chat.nexus.llm;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exponential backoff with full jitter (a random wait between zero and base × 2^attempt, capped),
 * never shorter than what the upstream asked for with Retry-After or x-ratelimit-reset-requests.
 */
public final class Backoff {

  public static final long DEFAULT_BASE_MS = 250;
  public static final long DEFAULT_CAP_MS = 8_000;

  /** Retry-After values beyond this are not worth waiting for inside one request. */
  public static final long MAX_HONOURED_MS = 30_000;

  private static final Pattern GO_DURATION =
      Pattern.compile(
          "(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?(?:(\\d+(?:\\.\\d+)?)ms)?");

  private final long baseMs;
  private final long capMs;
  private final Random random;

  public Backoff(long baseMs, long capMs, Random random) {
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.random = random;
  }

  /**
   * The wait before retry number {@code attempt} (0 for the first retry), at least {@code
   * serverHintMs}.
   */
  public long delayMs(int attempt, long serverHintMs) {
    long ceiling = Math.min(capMs, baseMs << Math.min(attempt, 20));
    long jittered = ceiling <= 0 ? 0 : (long) (random.nextDouble() * ceiling);
    return Math.max(jittered, Math.min(serverHintMs, MAX_HONOURED_MS));
  }

  /**
   * The wait the upstream asked for, in ms, from Retry-After (seconds or an HTTP date) or OpenAI's
   * x-ratelimit-reset-requests ("1s", "6m0s", "120ms"); 0 when neither says anything usable.
   */
  public static long serverHintMs(String retryAfter, String rateLimitReset, long nowMs) {
    long hint = 0;
    if (retryAfter != null && !retryAfter.isBlank()) {
      String value = retryAfter.trim();
      try {
        hint = Math.max(hint, (long) (Double.parseDouble(value) * 1000));
      } catch (NumberFormatException notSeconds) {
        try {
          long at =
              ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                  .toInstant()
                  .toEpochMilli();
          hint = Math.max(hint, at - nowMs);
        } catch (RuntimeException notDate) {
          // unusable: ignored
        }
      }
    }
    if (rateLimitReset != null && !rateLimitReset.isBlank()) {
      hint = Math.max(hint, parseGoDuration(rateLimitReset.trim()).toMillis());
    }
    return Math.max(0, hint);
  }

  static Duration parseGoDuration(String value) {
    Matcher m = GO_DURATION.matcher(value);
    if (value.isEmpty() || !m.matches()) {
      return Duration.ZERO;
    }
    double ms = 0;
    ms += m.group(1) != null ? Double.parseDouble(m.group(1)) * 3_600_000 : 0;
    ms += m.group(2) != null ? Double.parseDouble(m.group(2)) * 60_000 : 0;
    ms += m.group(3) != null ? Double.parseDouble(m.group(3)) * 1_000 : 0;
    ms += m.group(4) != null ? Double.parseDouble(m.group(4)) : 0;
    return Duration.ofMillis((long) ms);
  }
}
