package chat.nexus.llm;

import io.vertx.core.MultiMap;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The rate-limit headers of an OpenAI-compatible upstream, read on every response so that a key
 * that reports nothing left rests until its window resets (the {@link KeyPool} then prefers
 * another): {@code x-ratelimit-remaining-requests} / {@code -tokens} and {@code
 * x-ratelimit-reset-requests} / {@code -tokens}. OpenAI gives the resets as durations ("1s",
 * "6m0s", "120ms"); Venice gives the requests' reset as a Unix timestamp and the tokens' in
 * seconds; all three forms are understood.
 */
final class RateLimitHeaders {

  static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
  static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
  static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

  /** How long a key rests when it has nothing left and no usable reset was given. */
  static final long FALLBACK_REST_MS = 1_000;

  /** A reset further away than this is a broken header, not a plan: the rest is cut to this. */
  static final long MAX_REST_MS = 3_600_000;

  /** Numbers at least this large are Unix timestamps in seconds (2001 onwards), not durations. */
  private static final double EPOCH_SECONDS_FROM = 1e9;

  /** ... and at least this large, in milliseconds. */
  private static final double EPOCH_MILLIS_FROM = 1e12;

  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

  private RateLimitHeaders() {}

  /**
   * When the key of this response may be used again, if it reported 0 requests or 0 tokens left;
   * empty while it has some left (or says nothing).
   */
  static OptionalLong read(MultiMap headers, long nowMs) {
    long until = -1;
    if (exhausted(headers.get(REMAINING_REQUESTS))) {
      until = Math.max(until, nowMs + restMs(headers.get(RESET_REQUESTS), nowMs));
    }
    if (exhausted(headers.get(REMAINING_TOKENS))) {
      until = Math.max(until, nowMs + restMs(headers.get(RESET_TOKENS), nowMs));
    }
    return until < 0 ? OptionalLong.empty() : OptionalLong.of(until);
  }

  private static boolean exhausted(String remaining) {
    if (remaining == null || !NUMBER.matcher(remaining.trim()).matches()) {
      return false;
    }
    return Double.parseDouble(remaining.trim()) < 1;
  }

  private static long restMs(String reset, long nowMs) {
    long ms = resetMs(reset, nowMs);
    return ms <= 0 ? FALLBACK_REST_MS : Math.min(ms, MAX_REST_MS);
  }

  /**
   * Milliseconds until a reset given as a duration ("6m0s"), seconds ("12", "0.5") or a Unix
   * timestamp in seconds or milliseconds; 0 when absent or unusable.
   */
  static long resetMs(String reset, long nowMs) {
    if (reset == null || reset.isBlank()) {
      return 0;
    }
    String value = reset.trim();
    if (NUMBER.matcher(value).matches()) {
      double n = Double.parseDouble(value);
      if (n >= EPOCH_MILLIS_FROM) {
        return Math.max(0, (long) n - nowMs);
      }
      if (n >= EPOCH_SECONDS_FROM) {
        return Math.max(0, (long) (n * 1000) - nowMs);
      }
      return (long) (n * 1000);
    }
    return RetryAfter.parseGoDuration(value).toMillis();
  }
}
