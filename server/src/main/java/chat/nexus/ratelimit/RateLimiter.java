package chat.nexus.ratelimit;

import io.vertx.core.Future;

/** Counts a request against a budget; never blocks the caller's thread. */
public interface RateLimiter {

  /**
   * Counts one request of {@code subject} (refused ones count too) and says whether it may go on.
   */
  Future<Decision> acquire(Limit limit, String subject);
}
