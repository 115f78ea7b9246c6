package chat.nexus.socketio.adapter;

import io.vertx.core.json.JsonArray;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The packets and sessions kept for connection state recovery, both for at most
 * maxDisconnectionDuration. The packet log is also capped in count so that a burst cannot exhaust the
 * heap: a session whose offset fell out of the log simply is not recovered (the client gets a new one).
 */
final class RecoveryLog {

  /** Upper bound on logged packets, whatever the rate. */
  static final int MAX_PACKETS = 100_000;

  private record Entry(String offset, BroadcastOptions options, JsonArray data, long emittedAt) {}

  private record Stored(PersistedSession session, long disconnectedAt) {}

  private final long keepMs;
  private final AtomicLong counter = new AtomicLong();
  private final ArrayDeque<Entry> packets = new ArrayDeque<>();
  /** In disconnection order, so that expired sessions are at the head. */
  private final Map<String, Stored> sessions = new LinkedHashMap<>();

  RecoveryLog(long keepMs) {
    this.keepMs = keepMs;
  }

  /** Appends the packet's offset to data and logs it. */
  synchronized void record(JsonArray data, BroadcastOptions options) {
    String offset = Long.toString(counter.incrementAndGet(), 36);
    data.add(offset);
    long now = System.currentTimeMillis();
    prune(now);
    if (packets.size() >= MAX_PACKETS) {
      packets.pollFirst();
    }
    packets.addLast(new Entry(offset, options, data, now));
  }

  synchronized void persist(PersistedSession session) {
    long now = System.currentTimeMillis();
    prune(now);
    sessions.put(session.pid(), new Stored(session, now));
  }

  synchronized PersistedSession restore(String pid, String offset) {
    long now = System.currentTimeMillis();
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
    return new PersistedSession(session.sid(), session.pid(), session.rooms(), session.data(), missed);
  }

  private static boolean reaches(Set<String> sessionRooms, BroadcastOptions options) {
    boolean included = options.rooms().isEmpty() || sessionRooms.stream().anyMatch(options.rooms()::contains);
    boolean notExcluded = sessionRooms.stream().noneMatch(options.except()::contains);
    return included && notExcluded;
  }

  private void prune(long now) {
    while (!packets.isEmpty() && now - packets.peekFirst().emittedAt() > keepMs) {
      packets.pollFirst();
    }
    Iterator<Stored> it = sessions.values().iterator();
    while (it.hasNext() && now - it.next().disconnectedAt() > keepMs) {
      it.remove();
    }
  }
}
