package chat.nexus.socketio.redis;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Stream entries as npm {@code @socket.io/redis-streams-adapter} 0.3 writes and reads them: the
 * fields {@code uid}, {@code nsp}, {@code type} (the ClusterAdapter message type, as a decimal
 * string) and {@code data}: JSON, or when it carries binary, base64 of its msgpack (a reader tells
 * them apart by a leading '{'). An entry's id ({@code 1733500000000-0}) is the offset a client is
 * given with each packet and presents to recover.
 */
final class StreamEntries {

  /** A stream entry id, the only offset form a restore accepts. */
  private static final Pattern OFFSET = Pattern.compile("^[0-9]+-[0-9]+$");

  /** One entry read from the stream: its id and its decoded message {uid, nsp, type, data}. */
  record Entry(String id, String nsp, String uid, int type, JsonObject data) {}

  private StreamEntries() {}

  /** XADD of a message, trimming the stream to about {@code maxLen} entries. */
  static Request xadd(
      String stream, int maxLen, String uid, String nsp, int type, JsonObject data) {
    return Request.cmd(Command.XADD)
        .arg(stream)
        .arg("MAXLEN")
        .arg("~")
        .arg(maxLen)
        .arg("*")
        .arg("uid")
        .arg(uid)
        .arg("nsp")
        .arg(nsp)
        .arg("type")
        .arg(Integer.toString(type))
        .arg("data")
        .arg(encodeData(type, data));
  }

  /** JSON unless the message may carry binary and does, as the npm adapter decides. */
  static String encodeData(int type, JsonObject data) {
    if (ClusterMessageAdapter.mayContainBinary(type) && Wire.hasBinary(data)) {
      return Base64.getEncoder().encodeToString(Msgpack.encode(data));
    }
    return data.encode();
  }

  static JsonObject decodeData(String data) {
    if (data.startsWith("{")) {
      return new JsonObject(data);
    }
    if (Msgpack.decode(Base64.getDecoder().decode(data)) instanceof JsonObject object) {
      return object;
    }
    throw new IllegalArgumentException("stream entry data is not an object");
  }

  static boolean isOffset(String offset) {
    return OFFSET.matcher(offset).matches();
  }

  /**
   * The id right after {@code offset}: XRANGE's start is inclusive, and its exclusive form needs
   * Redis 6.2.
   */
  static String next(String offset) {
    int dash = offset.indexOf('-');
    long sequence = Long.parseLong(offset.substring(dash + 1));
    return offset.substring(0, dash + 1) + (sequence + 1);
  }

  /** The entries of an XRANGE reply, or of one stream's part of an XREAD reply. */
  static List<Response> list(Response entries) {
    List<Response> list = new ArrayList<>();
    if (entries != null) {
      entries.forEach(list::add);
    }
    return list;
  }

  /** One stream's entries in an XREAD reply: a map in RESP3, [[name, entries]] in RESP2. */
  static Response streamPart(Response reply, String stream) {
    if (reply == null || reply.size() == 0) {
      return null;
    }
    if (reply.isMap()) {
      return reply.get(stream);
    }
    Response first = reply.get(0);
    return first != null && first.size() >= 2 ? first.get(1) : null;
  }

  /**
   * An entry [id, [field, value, ...]] decoded; throws IllegalArgumentException when it is not the
   * adapter's. Entries without nsp (written by something else) are refused too.
   */
  static Entry decode(Response entry) {
    if (entry == null || entry.size() < 2) {
      throw new IllegalArgumentException("not a stream entry");
    }
    String id = entry.get(0).toString();
    Map<String, String> fields = fields(entry.get(1));
    String nsp = fields.get("nsp");
    String type = fields.get("type");
    if (nsp == null || type == null) {
      throw new IllegalArgumentException("stream entry " + id + " has no nsp or type");
    }
    String data = fields.get("data");
    int messageType;
    try {
      messageType = Integer.parseInt(type);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("stream entry " + id + " has type " + type, e);
    }
    return new Entry(
        id,
        nsp,
        fields.get("uid"),
        messageType,
        data == null || data.isEmpty() ? new JsonObject() : decodeData(data));
  }

  private static Map<String, String> fields(Response flat) {
    Map<String, String> fields = new HashMap<>();
    if (flat == null) {
      return fields;
    }
    if (flat.isMap()) {
      for (String key : flat.getKeys()) {
        fields.put(key, text(flat.get(key)));
      }
      return fields;
    }
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      fields.put(text(flat.get(i)), text(flat.get(i + 1)));
    }
    return fields;
  }

  private static String text(Response value) {
    return value == null ? null : value.toString(StandardCharsets.UTF_8);
  }

  // ---- sessions ----

  /**
   * A disconnected session as the npm adapter keeps it: base64 of msgpack {sid, pid, rooms, data}.
   */
  static String encodeSession(String sid, String pid, Iterable<String> rooms, JsonObject data) {
    JsonArray roomList = new JsonArray();
    rooms.forEach(roomList::add);
    JsonObject session =
        new JsonObject().put("sid", sid).put("pid", pid).put("rooms", roomList).put("data", data);
    return Base64.getEncoder().encodeToString(Msgpack.encode(session));
  }

  static JsonObject decodeSession(Buffer stored) {
    byte[] bytes = Base64.getDecoder().decode(stored.toString(StandardCharsets.US_ASCII).trim());
    if (Msgpack.decode(bytes) instanceof JsonObject session) {
      return session;
    }
    throw new IllegalArgumentException("stored session is not an object");
  }
}
