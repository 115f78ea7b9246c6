package chat.nexus.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open HTTP connections on this node, in total and per client address, against the caps of {@link
 * ConnectionLimits}. Thread-safe: every event loop accepts connections. The per-address table holds
 * only addresses with a connection open, so it is bounded by the connection cap.
 */
final class ConnectionCounts {

  /** What a new connection may do. */
  enum Admission {
    /** Within the caps. */
    OPEN,
    /** Over the node's cap: it may ask for /health or /ready once, anything else gets 503. */
    OVERFLOW,
    /** Over its address's cap: closed at once. */
    REFUSED
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  /** Bytes of request bodies being received, per address (only addresses with one in progress). */
  private final ConcurrentHashMap<String, Long> bodyBytes = new ConcurrentHashMap<>();

  ConnectionCounts(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts {@code bytes} more of a request body from {@code key} that has not ended yet; false when
   * the address is now over {@link ConnectionLimits#MAX_BODY_BYTES_PER_ADDRESS}. The bytes are
   * counted either way: give every one back with {@link #bodyDone} when the body ends or its
   * connection closes.
   */
  boolean bodyBytes(String key, long bytes) {
    return bodyBytes.merge(key, bytes, Long::sum) <= ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS;
  }

  /** Gives back body bytes counted by {@link #bodyBytes}. */
  void bodyDone(String key, long bytes) {
    if (bytes > 0) {
      bodyBytes.computeIfPresent(key, (k, count) -> count - bytes <= 0 ? null : count - bytes);
    }
  }

  /** Bytes of unfinished request bodies from that address. */
  long bodyBytesOf(String key) {
    return bodyBytes.getOrDefault(key, 0L);
  }

  /**
   * Counts a new connection from {@code key} ({@code exempt}: a trusted proxy, which carries many
   * clients) and says what it may do. Every call must be matched by one {@link #close} with the
   * same arguments, whatever the admission.
   */
  Admission open(String key, boolean exempt) {
    int now = total.incrementAndGet();
    boolean overAddress = false;
    if (maxPerAddress > 0 && !exempt) {
      int[] count = {0};
      perAddress.compute(
          key,
          (k, c) -> {
            AtomicInteger counter = c != null ? c : new AtomicInteger();
            count[0] = counter.incrementAndGet();
            return counter;
          });
      overAddress = count[0] > maxPerAddress;
    }
    if (overAddress) {
      return Admission.REFUSED;
    }
    return maxConnections > 0 && now > maxConnections ? Admission.OVERFLOW : Admission.OPEN;
  }

  void close(String key, boolean exempt) {
    total.decrementAndGet();
    if (maxPerAddress > 0 && !exempt) {
      perAddress.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  /** Open connections on this node. */
  int total() {
    return total.get();
  }

  /** Open connections of that client address key. */
  int of(String key) {
    AtomicInteger count = perAddress.get(key);
    return count == null ? 0 : count.get();
  }
}
