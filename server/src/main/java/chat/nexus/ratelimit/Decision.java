package chat.nexus.ratelimit;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;

/**
 * The answer of a limiter for one request.
 *
 * @param allowed whether the request may go on
 * @param limit the budget's max
 * @param remaining requests left in the current window
 * @param resetAtMs when the window ends (epoch milliseconds)
 */
public record Decision(boolean allowed, int limit, int remaining, long resetAtMs) {

  /** What a limiter answers when it cannot decide (Redis unreachable): let the request through. */
  static Decision open(Limit limit, long nowMs) {
    return new Decision(true, limit.max(), limit.max(), nowMs + limit.windowMs());
  }

  /** Whole seconds until the window ends, at least 1 (the Retry-After value). */
  public long retryAfterSeconds(long nowMs) {
    return Math.max(1, (resetAtMs - nowMs + 999) / 1000);
  }

  /** The window's end in epoch seconds (the X-RateLimit-Reset value). */
  public long resetEpochSeconds() {
    return (resetAtMs + 999) / 1000;
  }

  /** The contract's RATE_LIMITED error, with retryAfter. */
  public ApiException error(long nowMs) {
    return new ApiException(
        ErrorCode.RATE_LIMITED,
        "too many requests: at most " + limit + " in this window; retry later",
        retryAfterSeconds(nowMs));
  }
}
