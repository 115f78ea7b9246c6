package chat.nexus.socketio.adapter;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The packets and sessions kept for connection state recovery, both for at most
 * maxDisconnectionDuration. The packet log is also capped in count and in (estimated) bytes so that
 * a burst cannot exhaust the heap: a session whose offset fell out of the log simply is not
 * recovered (the client gets a new one). The log never has gaps: packets leave only from its head.
 */
final class RecoveryLog {

  /** Upper bound on logged packets, whatever the rate. */
  static final int MAX_PACKETS = 100_000;

  /**
   * Heap of one log entry besides its arguments: the entry, its offset string, the array around
   * them.
   */
  static final int ENTRY_OVERHEAD_BYTES = 160;

  /** Heap of a value whose size is not estimated (numbers, booleans, other objects). */
  private static final int SMALL_VALUE_BYTES = 24;

  private static final int STRING_OVERHEAD_BYTES = 40;
  private static final int CONTAINER_OVERHEAD_BYTES = 48;
  private static final int SLOT_BYTES = 32;

  private record Entry(
      String offset, BroadcastOptions options, JsonArray data, long emittedAt, long bytes) {}

  private record Stored(PersistedSession session, long disconnectedAt) {}

  private final long keepMs;
  private final long maxBytes;
  private final LongSupplier clock;
  private final AtomicLong counter = new AtomicLong();
  private final ArrayDeque<Entry> packets = new ArrayDeque<>();
  private long bytes;

  /** In disconnection order, so that expired sessions are at the head. */
  private final Map<String, Stored> sessions = new LinkedHashMap<>();

  RecoveryLog(long keepMs, long maxBytes) {
    this(keepMs, maxBytes, System::currentTimeMillis);
  }

  /** With {@code clock} giving the time in epoch milliseconds. */
  RecoveryLog(long keepMs, long maxBytes, LongSupplier clock) {
    this.keepMs = keepMs;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /**
   * Appends the packet's offset to data and logs it. A packet larger than the whole byte budget
   * empties the log instead of entering it, so that nobody is recovered past it with a gap.
   */
  synchronized void record(JsonArray data, BroadcastOptions options) {
    String offset = Long.toString(counter.incrementAndGet(), 36);
    data.add(offset);
    long now = clock.getAsLong();
    prune(now);
    long size = ENTRY_OVERHEAD_BYTES + estimateBytes(data);
    if (size > maxBytes) {
      packets.clear();
      bytes = 0;
      return;
    }
    while (!packets.isEmpty() && (packets.size() >= MAX_PACKETS || bytes + size > maxBytes)) {
      dropOldest();
    }
    packets.addLast(new Entry(offset, options, data, now, size));
    bytes += size;
  }

  /** Estimated heap bytes of the logged packets. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return packets.size();
  }

  /**
   * A cheap upper estimate of the heap a packet argument holds: strings at two bytes a character,
   * plus the usual object and map-entry overheads. Walks the value once, without encoding it.
   */
  static long estimateBytes(Object value) {
    if (value instanceof String s) {
      return STRING_OVERHEAD_BYTES + 2L * s.length();
    }
    if (value instanceof JsonObject object) {
      return estimateMap(object.getMap());
    }
    if (value instanceof Map<?, ?> map) {
      return estimateMap(map);
    }
    if (value instanceof JsonArray array) {
      return estimateList(array.getList());
    }
    if (value instanceof List<?> list) {
      return estimateList(list);
    }
    if (value instanceof Buffer buffer) {
      return CONTAINER_OVERHEAD_BYTES + buffer.length();
    }
    if (value instanceof byte[] array) {
      return CONTAINER_OVERHEAD_BYTES + array.length;
    }
    return SMALL_VALUE_BYTES;
  }

  private static long estimateMap(Map<?, ?> map) {
    long total = CONTAINER_OVERHEAD_BYTES;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      total += SLOT_BYTES + estimateBytes(entry.getKey()) + estimateBytes(entry.getValue());
    }
    return total;
  }

  private static long estimateList(List<?> list) {
    long total = CONTAINER_OVERHEAD_BYTES;
    for (Object item : list) {
      total += SLOT_BYTES / 4 + estimateBytes(item);
    }
    return total;
  }

  private void dropOldest() {
    Entry oldest = packets.pollFirst();
    if (oldest != null) {
      bytes -= oldest.bytes();
    }
  }

  synchronized void persist(PersistedSession session) {
    long now = clock.getAsLong();
    prune(now);
    sessions.put(session.pid(), new Stored(session, now));
  }

  synchronized PersistedSession restore(String pid, String offset) {
    long now = clock.getAsLong();
    prune(now);
    Stored stored = sessions.remove(pid);
    if (stored == null) {
      return null;
    }
    PersistedSession session = stored.session();
    List<JsonArray> missed = new ArrayList<>();
    boolean found = false;
    for (Entry entry : packets) {
      if (found) {
        if (reaches(session.rooms(), entry.options())) {
          missed.add(entry.data());
        }
      } else if (entry.offset().equals(offset)) {
        found = true;
      }
    }
    if (!found) {
      return null;
    }
    return new PersistedSession(
        session.sid(), session.pid(), session.rooms(), session.data(), missed);
  }

  private static boolean reaches(Set<String> sessionRooms, BroadcastOptions options) {
    boolean included =
        options.rooms().isEmpty() || sessionRooms.stream().anyMatch(options.rooms()::contains);
    boolean notExcluded = sessionRooms.stream().noneMatch(options.except()::contains);
    return included && notExcluded;
  }

  private void prune(long now) {
    while (!packets.isEmpty() && now - packets.peekFirst().emittedAt() > keepMs) {
      dropOldest();
    }
    Iterator<Stored> it = sessions.values().iterator();
    while (it.hasNext() && now - it.next().disconnectedAt() > keepMs) {
      it.remove();
    }
  }
}
