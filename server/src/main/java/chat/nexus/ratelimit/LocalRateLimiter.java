package chat.nexus.ratelimit;

import chat.nexus.runtime.Caches;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Fixed windows in memory (one node): a window opens with a subject's first request and lasts the
 * limit's window. Entries idle for a window are dropped; at most {@link #MAX_SUBJECTS} are kept.
 */
public final class LocalRateLimiter implements RateLimiter {

  /** About 100 bytes each: a bounded map even under a flood of spoofed addresses. */
  public static final long MAX_SUBJECTS = 1_000_000;

  private final Cache<String, Window> windows;
  private final LongSupplier clock;

  public LocalRateLimiter(Duration longestWindow) {
    this(longestWindow, System::currentTimeMillis);
  }

  LocalRateLimiter(Duration longestWindow, LongSupplier clock) {
    this.windows =
        Caches.inline().expireAfterWrite(longestWindow).maximumSize(MAX_SUBJECTS).build();
    this.clock = clock;
  }

  private static final class Window {
    final long resetAtMs;
    int count;

    Window(long resetAtMs) {
      this.resetAtMs = resetAtMs;
    }
  }

  @Override
  public Future<Decision> acquire(Limit limit, String subject) {
    return Future.succeededFuture(acquireNow(limit, subject));
  }

  /** The same, synchronously. */
  public Decision acquireNow(Limit limit, String subject) {
    long now = clock.getAsLong();
    int[] count = {0};
    Window window =
        windows
            .asMap()
            .compute(
                limit.name() + ':' + subject,
                (key, w) -> {
                  Window current =
                      w == null || w.resetAtMs <= now ? new Window(now + limit.windowMs()) : w;
                  count[0] = ++current.count; // under the key's lock
                  return current;
                });
    return new Decision(
        count[0] <= limit.max(),
        limit.max(),
        Math.max(0, limit.max() - count[0]),
        window.resetAtMs);
  }
}
