package chat.nexus.ops;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Failed admin sign-ins per client address: after {@link #MAX_FAILURES} in {@link #WINDOW} the
 * address is refused (even with the right password, so that a guesser learns nothing) until the
 * window ends. Always on, whatever RATE_LIMIT says: the admin password guards the whole node.
 */
public final class AdminAttempts {

  static final int MAX_FAILURES = 10;

  static final Duration WINDOW = Duration.ofMinutes(5);

  /** Bounded under a flood of spoofed addresses. */
  static final long MAX_ADDRESSES = 100_000;

  private record Window(long endsAtMs, int failures) {}

  private final Cache<String, Window> windows =
      Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(MAX_ADDRESSES).build();
  private final LongSupplier clock;

  public AdminAttempts(LongSupplier clock) {
    this.clock = clock;
  }

  /** Seconds until the address may try again, or 0 when it may now. */
  public long retryAfterSeconds(String address) {
    Window window = windows.getIfPresent(address);
    long now = clock.getAsLong();
    if (window == null || window.endsAtMs() <= now || window.failures() < MAX_FAILURES) {
      return 0;
    }
    return Math.max(1, (window.endsAtMs() - now + 999) / 1000);
  }

  public void failed(String address) {
    long now = clock.getAsLong();
    windows
        .asMap()
        .merge(
            address,
            new Window(now + WINDOW.toMillis(), 1),
            (old, first) ->
                old.endsAtMs() <= now ? first : new Window(old.endsAtMs(), old.failures() + 1));
  }
}
