package chat.nexus.llm;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wait an LLM upstream asks for before a retry, from Retry-After or x-ratelimit-reset-requests:
 * a retry waits at least that long (the backoff's own wait otherwise), up to {@link
 * #MAX_HONOURED_MS}.
 */
public final class RetryAfter {

  /** Retry-After values beyond this are not worth waiting for inside one request. */
  public static final long MAX_HONOURED_MS = 30_000;

  private static final Pattern GO_DURATION =
      Pattern.compile(
          "(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?(?:(\\d+(?:\\.\\d+)?)ms)?");

  private RetryAfter() {}

  /** The server's hint bounded by {@link #MAX_HONOURED_MS}: the least a retry waits. */
  public static long honouredMs(long serverHintMs) {
    return Math.min(serverHintMs, MAX_HONOURED_MS);
  }

  /**
   * The wait the upstream asked for, in ms, from Retry-After (seconds or an HTTP date) or
   * x-ratelimit-reset-requests (OpenAI's "1s", "6m0s", "120ms", or Venice's Unix timestamp); 0 when
   * neither says anything usable.
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
    hint = Math.max(hint, RateLimitHeaders.resetMs(rateLimitReset, nowMs));
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
