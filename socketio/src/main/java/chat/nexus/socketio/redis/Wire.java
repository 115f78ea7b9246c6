package chat.nexus.socketio.redis;

import chat.nexus.socketio.Handshake;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.SocketDetails;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shapes the npm adapters put on the wire: socket.io-parser packets as objects ({type, data,
 * nsp, id}), broadcast options ({rooms, except, flags}), sockets as fetchSockets answers them.
 */
final class Wire {

  private static final String UID_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** socket.io-parser's numbers for the packet types a broadcast carries. */
  private static final int EVENT = 2;

  private static final int ACK = 3;
  private static final int BINARY_EVENT = 5;
  private static final int BINARY_ACK = 6;

  private Wire() {}

  /** A random id like the npm uid2 package makes (the classic adapter's node and request ids). */
  static String uid(int length) {
    StringBuilder id = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      id.append(UID_CHARS.charAt(RANDOM.nextInt(UID_CHARS.length())));
    }
    return id.toString();
  }

  /** A random id like the cluster adapter's (8 random bytes, hex). */
  static String hexId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /**
   * A value as stored: JsonObject.getValue and JsonArray.getValue hand binary over as base64 text,
   * which would turn a client's binary ack into a string on its way to another node.
   */
  static Object raw(JsonObject json, String key) {
    return json.getMap().get(key);
  }

  /** The first argument of an ack, as stored (binary stays binary); null when there is none. */
  static Object first(JsonArray args) {
    return args.isEmpty() ? null : args.getList().get(0);
  }

  static JsonObject packet(Packet packet) {
    JsonObject json =
        new JsonObject()
            .put(
                "type",
                packet.type() == PacketType.ACK || packet.type() == PacketType.BINARY_ACK
                    ? ACK
                    : EVENT)
            .put("data", packet.data())
            .put("nsp", packet.namespace());
    if (packet.hasId()) {
      json.put("id", packet.id());
    }
    return json;
  }

  /** A broadcast packet from the wire, or null if it is not an event for this namespace. */
  static Packet packet(Object value, String namespace) {
    if (!(value instanceof JsonObject json)
        || !(json.getValue("data") instanceof JsonArray data)
        || data.isEmpty()) {
      return null;
    }
    Object nsp = json.getValue("nsp");
    if (!namespace.equals(nsp == null ? Packet.MAIN_NAMESPACE : nsp)) {
      return null;
    }
    Object type = json.getValue("type");
    int t = type instanceof Number n ? n.intValue() : EVENT;
    if (t != EVENT && t != BINARY_EVENT && t != ACK && t != BINARY_ACK) {
      return null;
    }
    return Packet.of(
        t == ACK || t == BINARY_ACK ? PacketType.ACK : PacketType.EVENT, namespace, data);
  }

  static JsonObject options(BroadcastOptions options, Long timeoutMs) {
    JsonObject flags = new JsonObject();
    if (options.volatileOnly()) {
      flags.put("volatile", true);
    }
    if (timeoutMs != null) {
      flags.put("timeout", timeoutMs);
    }
    return new JsonObject()
        .put("rooms", new JsonArray(options.rooms().stream().map(Object.class::cast).toList()))
        .put("except", new JsonArray(options.except().stream().map(Object.class::cast).toList()))
        .put("flags", flags);
  }

  /** Options from the wire; local, since they are applied to this node's sockets only. */
  static BroadcastOptions options(Object value) {
    JsonObject json = value instanceof JsonObject o ? o : new JsonObject();
    JsonObject flags = json.getValue("flags") instanceof JsonObject f ? f : new JsonObject();
    return new BroadcastOptions(
        strings(json.getValue("rooms")),
        strings(json.getValue("except")),
        true,
        Boolean.TRUE.equals(flags.getValue("volatile")));
  }

  static Set<String> strings(Object value) {
    Set<String> set = new HashSet<>();
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (item != null) {
          set.add(
              item instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                  ? Long.toString(n.longValue())
                  : item.toString());
        }
      }
    }
    return set;
  }

  /**
   * A message from Redis: JSON when it starts with '{' (as the npm adapter decides), msgpack
   * otherwise.
   */
  static Object decode(byte[] payload) {
    if (payload.length > 0 && payload[0] == '{') {
      return new JsonObject(Buffer.buffer(payload));
    }
    return Msgpack.decode(payload);
  }

  /** Whether a value holds binary anywhere (a Buffer or byte[]). */
  static boolean hasBinary(Object value) {
    if (value instanceof Buffer || value instanceof byte[]) {
      return true;
    }
    if (value instanceof JsonObject object) {
      return object.getMap().values().stream().anyMatch(Wire::hasBinary);
    }
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().anyMatch(Wire::hasBinary);
    }
    if (value instanceof JsonArray array) {
      return array.getList().stream().anyMatch(Wire::hasBinary);
    }
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(Wire::hasBinary);
    }
    return false;
  }

  static byte[] json(JsonObject message) {
    return message.encode().getBytes(StandardCharsets.UTF_8);
  }

  /** A socket as the npm adapters answer fetchSockets: {id, handshake, rooms, data}. */
  static JsonObject socket(Socket socket) {
    Handshake h = socket.handshake();
    JsonObject headers = new JsonObject();
    for (Map.Entry<String, String> header : h.headers()) {
      headers.put(header.getKey().toLowerCase(), header.getValue());
    }
    JsonObject query = new JsonObject();
    for (Map.Entry<String, String> param : h.query()) {
      query.put(param.getKey(), param.getValue());
    }
    JsonObject handshake =
        new JsonObject()
            .put("headers", headers)
            .put("time", Instant.ofEpochMilli(h.issued()).toString())
            .put("address", h.address())
            .put("xdomain", h.headers().contains("origin"))
            .put("secure", h.secure())
            .put("issued", h.issued())
            .put("url", h.url())
            .put("query", query)
            .put("auth", h.auth());
    return new JsonObject()
        .put("id", socket.id())
        .put("handshake", handshake)
        .put("rooms", new JsonArray(socket.rooms().stream().map(Object.class::cast).toList()))
        .put("data", data(socket.data()));
  }

  /** The socket's data that has a JSON form; other values stay on their node. */
  private static JsonObject data(Map<String, Object> data) {
    JsonObject json = new JsonObject();
    for (Map.Entry<String, Object> entry : data.entrySet()) {
      try {
        json.put(entry.getKey(), Json.decodeValue(Json.encode(entry.getValue())));
      } catch (RuntimeException e) {
        // not serializable without a databind codec: left out
      }
    }
    return json;
  }

  /** A socket of another node from its fetchSockets answer, {id, handshake, rooms, data}. */
  static SocketDetails details(JsonObject json) {
    return new SocketDetails(
        String.valueOf(json.getValue("id")),
        json.getValue("handshake") instanceof JsonObject handshake ? handshake : new JsonObject(),
        strings(json.getValue("rooms")),
        json.getValue("data") instanceof JsonObject data ? data.getMap() : Map.of());
  }
}
