package chat.nexus.engineio;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-address limits on handshakes: a rate (a fixed window per address) and a cap on sessions
 * the application has not admitted yet. Thread-safe: handshakes arrive on every event loop.
 */
final class AddressLimits {

  /**
   * Distinct addresses counted in one rate window. Beyond it (a flood from very many addresses, or
   * IPv6 prefixes) newcomers share {@link #OVERFLOW_SLOTS} counts by a hash of their address, so
   * the table stays near 10 MB whatever the flood, and a flood fills its own slots' allowance
   * rather than one count that every later newcomer would wait behind.
   */
  static final int MAX_TRACKED_ADDRESSES = 100_000;

  /** Counts shared by the addresses beyond {@link #MAX_TRACKED_ADDRESSES}. */
  static final int OVERFLOW_SLOTS = 1_024;

  private static final String OVERFLOW_KEY = "(other addresses) ";

  /**
   * What a client refused for too many pending sessions is told to wait: about one authentication.
   */
  static final long PENDING_RETRY_AFTER_S = 1;

  /** A refused handshake: why, and when to come back. */
  record Refusal(String reason, long retryAfterSeconds) {}

  private record Window(
      long startedAt, ConcurrentHashMap<String, AtomicInteger> counts, AtomicInteger size) {
    Window(long startedAt) {
      this(startedAt, new ConcurrentHashMap<>(), new AtomicInteger());
    }
  }

  private final int maxHandshakes;
  private final long windowMs;
  private final int maxPending;
  private final ConcurrentHashMap<String, AtomicInteger> pending = new ConcurrentHashMap<>();
  private volatile Window window;

  AddressLimits(EngineIoOptions options, long now) {
    this.maxHandshakes = options.maxHandshakesPerAddress();
    this.windowMs = options.handshakeWindowMs();
    this.maxPending = options.maxPendingSessionsPerAddress();
    this.window = new Window(now);
  }

  /**
   * Whether a pending slot must be given back ({@link #release}) when the session is admitted or
   * gone.
   */
  boolean countsPending() {
    return maxPending > 0;
  }

  /**
   * Counts one handshake of {@code key} and, when it may go on, takes one of its pending slots;
   * returns null then, or the refusal.
   */
  Refusal tryHandshake(String key, long now) {
    if (maxHandshakes > 0) {
      Window current = currentWindow(now);
      if (counter(current, key).incrementAndGet() > maxHandshakes) {
        long left = current.startedAt() + windowMs - now;
        return new Refusal(
            "too many handshakes from this address", Math.max(1, (left + 999) / 1000));
      }
    }
    if (maxPending > 0) {
      boolean[] full = {false};
      pending.compute(
          key,
          (k, count) -> {
            AtomicInteger c = count != null ? count : new AtomicInteger();
            if (c.get() >= maxPending) {
              full[0] = true;
            } else {
              c.incrementAndGet();
            }
            return c;
          });
      if (full[0]) {
        return new Refusal(
            "too many connections waiting for authentication from this address",
            PENDING_RETRY_AFTER_S);
      }
    }
    return null;
  }

  /** Gives back a pending slot taken by {@link #tryHandshake}. */
  void release(String key) {
    if (maxPending > 0) {
      pending.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  /** Pending sessions of that key now (for tests and metrics). */
  int pending(String key) {
    AtomicInteger count = pending.get(key);
    return count == null ? 0 : count.get();
  }

  private Window currentWindow(long now) {
    Window current = window;
    if (now - current.startedAt() < windowMs) {
      return current;
    }
    synchronized (this) {
      if (window == current) {
        window = new Window(now);
      }
      return window;
    }
  }

  private static AtomicInteger counter(Window window, String key) {
    AtomicInteger count = window.counts().get(key);
    if (count != null) {
      return count;
    }
    String slot = window.size().get() < MAX_TRACKED_ADDRESSES ? key : overflowSlot(key);
    return window
        .counts()
        .computeIfAbsent(
            slot,
            k -> {
              window.size().incrementAndGet();
              return new AtomicInteger();
            });
  }

  /** The shared count an address beyond {@link #MAX_TRACKED_ADDRESSES} goes to. */
  static String overflowSlot(String key) {
    return OVERFLOW_KEY + Math.floorMod(key.hashCode(), OVERFLOW_SLOTS);
  }
}
