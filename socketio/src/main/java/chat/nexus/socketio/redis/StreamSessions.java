package chat.nexus.socketio.redis;

import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.PersistedSession;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Connection state recovery across nodes, as npm {@code @socket.io/redis-streams-adapter} 0.3 does
 * it: a disconnected session is a Redis key (prefix + pid, msgpack in base64) that expires after
 * maxDisconnectionDuration; a restore takes it (GETDEL: one node wins) and reads the stream after
 * the client's offset for the broadcasts that reached its rooms. A restore reads at most {@link
 * #maxScanned} entries: a stream growing faster than a restore can read it refuses the recovery
 * rather than hand over packets with a gap. Needs Redis 6.2 (GETDEL).
 */
final class StreamSessions {

  private static final System.Logger LOG = System.getLogger(StreamSessions.class.getName());

  /** Entries per XRANGE of a restore: bounded memory per call, few round trips. */
  static final int RESTORE_PAGE = 1_000;

  private final RedisLink link;
  private final RedisStreamsOptions options;
  private final String nsp;

  /** The stream holds about maxLen entries (trimmed with "~"); twice that covers a busy restore. */
  private final long maxScanned;

  StreamSessions(RedisLink link, RedisStreamsOptions options, String nsp) {
    this.link = link;
    this.options = options;
    this.nsp = nsp;
    this.maxScanned = 2L * options.maxLen() + RESTORE_PAGE;
  }

  /** Stores the session for {@code keepMs}; a failure is logged (the session is just lost). */
  void persist(PersistedSession session, long keepMs) {
    String value;
    try {
      value =
          StreamEntries.encodeSession(
              session.sid(), session.pid(), session.rooms(), portable(session.data()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Redis adapter: session not kept (cannot encode it): " + e);
      return;
    }
    link.send(
            Request.cmd(Command.SET)
                .arg(options.sessionKeyPrefix() + session.pid())
                .arg(value)
                .arg("PX")
                .arg(keepMs))
        .onFailure(
            e -> LOG.log(Level.DEBUG, () -> "Redis adapter: session not kept: " + e.getMessage()));
  }

  /**
   * The socket's data that every server can read back: JSON values and binary. Anything else (an
   * object of the application) stays on its node, as it would not mean the same elsewhere.
   */
  static JsonObject portable(Map<String, Object> data) {
    JsonObject json = new JsonObject();
    data.forEach(
        (key, value) -> {
          if (isPortable(value, 0)) {
            json.put(key, value);
          }
        });
    return json;
  }

  private static boolean isPortable(Object value, int depth) {
    if (depth > Msgpack.MAX_DEPTH) {
      return false;
    }
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Number
        || value instanceof Buffer
        || value instanceof byte[]) {
      return true;
    }
    if (value instanceof JsonObject object) {
      return object.getMap().values().stream().allMatch(v -> isPortable(v, depth + 1));
    }
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().allMatch(v -> isPortable(v, depth + 1));
    }
    if (value instanceof JsonArray array) {
      return array.getList().stream().allMatch(v -> isPortable(v, depth + 1));
    }
    if (value instanceof List<?> list) {
      return list.stream().allMatch(v -> isPortable(v, depth + 1));
    }
    return false;
  }

  /**
   * The session with the packets missed since {@code offset}, or null when the session expired or
   * is unknown, the offset is no longer in the stream, or the stream could not be read to its end.
   */
  Future<PersistedSession> restore(String pid, String offset) {
    if (!StreamEntries.isOffset(offset)) {
      return Future.succeededFuture();
    }
    Future<Response> stored =
        link.send(Request.cmd(Command.GETDEL).arg(options.sessionKeyPrefix() + pid));
    Future<Response> atOffset =
        link.send(Request.cmd(Command.XRANGE).arg(options.streamName()).arg(offset).arg(offset));
    return Future.all(stored, atOffset)
        .compose(
            both -> {
              Response raw = stored.result();
              if (raw == null || StreamEntries.list(atOffset.result()).isEmpty()) {
                return Future.succeededFuture();
              }
              JsonObject session = StreamEntries.decodeSession(raw.toBuffer());
              return missedSince(session, offset, new ArrayList<>(), 0);
            });
  }

  private Future<PersistedSession> missedSince(
      JsonObject session, String offset, List<JsonArray> missed, long scanned) {
    Request page =
        Request.cmd(Command.XRANGE)
            .arg(options.streamName())
            .arg(StreamEntries.next(offset))
            .arg("+")
            .arg("COUNT")
            .arg(RESTORE_PAGE);
    return link.send(page)
        .compose(
            reply -> {
              List<Response> entries = StreamEntries.list(reply);
              String last = offset;
              for (Response raw : entries) {
                last = raw.get(0).toString();
                addIfMissed(session, raw, missed);
              }
              long total = scanned + entries.size();
              if (entries.size() < RESTORE_PAGE) {
                return Future.succeededFuture(persisted(session, missed));
              }
              if (total >= maxScanned) {
                LOG.log(
                    Level.INFO,
                    "Redis adapter: recovery refused, the stream grew faster than it was read");
                return Future.succeededFuture();
              }
              return missedSince(session, last, missed, total);
            });
  }

  /** Adds a broadcast of this namespace that reached the session's rooms, its id appended. */
  private void addIfMissed(JsonObject session, Response raw, List<JsonArray> missed) {
    StreamEntries.Entry entry;
    try {
      entry = StreamEntries.decode(raw);
    } catch (RuntimeException e) {
      return; // not the adapter's entry
    }
    if (!entry.nsp().equals(nsp) || entry.type() != ClusterMessageAdapter.BROADCAST) {
      return;
    }
    JsonObject data = entry.data();
    if (!(data.getValue("packet") instanceof JsonObject packet)
        || !(packet.getValue("data") instanceof JsonArray args)
        || packet.getValue("id") != null
        || data.getValue("requestId") != null) {
      return;
    }
    JsonObject opts = data.getValue("opts") instanceof JsonObject o ? o : new JsonObject();
    BroadcastOptions targets = Wire.options(opts);
    Set<String> rooms = Wire.strings(session.getValue("rooms"));
    boolean localToAnother =
        RedisStreamsAdapter.isLocal(opts) && !targets.rooms().contains(session.getString("sid"));
    if (!targets.volatileOnly() && !localToAnother && reaches(rooms, targets)) {
      JsonArray copy = new JsonArray(new ArrayList<>(args.getList()));
      missed.add(copy.add(entry.id()));
    }
  }

  private static boolean reaches(Set<String> sessionRooms, BroadcastOptions options) {
    boolean included =
        options.rooms().isEmpty() || sessionRooms.stream().anyMatch(options.rooms()::contains);
    boolean notExcluded = sessionRooms.stream().noneMatch(options.except()::contains);
    return included && notExcluded;
  }

  private static PersistedSession persisted(JsonObject session, List<JsonArray> missed) {
    Map<String, Object> data =
        session.getValue("data") instanceof JsonObject object
            ? new HashMap<>(object.getMap())
            : new HashMap<>();
    return new PersistedSession(
        String.valueOf(session.getValue("sid")),
        String.valueOf(session.getValue("pid")),
        Wire.strings(session.getValue("rooms")),
        data,
        missed);
  }
}
