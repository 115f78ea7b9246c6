package chat.nexus.socketio.parser;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes Socket.IO v5 packets. Stateless and thread-safe: a broadcast is encoded once and the
 * result written to every recipient.
 */
public final class PacketEncoder {

  private PacketEncoder() {}

  public static EncodedPacket encode(Packet packet) {
    List<byte[]> attachments = new ArrayList<>(0);
    Object data = packet.data();
    PacketType type = packet.type();
    if ((type == PacketType.EVENT || type == PacketType.ACK || type.isBinary())
        && hasBinary(data)) {
      data = deconstruct(data, attachments);
      type =
          type == PacketType.EVENT || type == PacketType.BINARY_EVENT
              ? PacketType.BINARY_EVENT
              : PacketType.BINARY_ACK;
    } else if (type == PacketType.BINARY_EVENT) {
      type = PacketType.EVENT;
    } else if (type == PacketType.BINARY_ACK) {
      type = PacketType.ACK;
    }
    StringBuilder text = new StringBuilder(64);
    text.append(type.code());
    if (type.isBinary()) {
      text.append(attachments.size()).append('-');
    }
    if (!Packet.MAIN_NAMESPACE.equals(packet.namespace())) {
      text.append(packet.namespace()).append(',');
    }
    if (packet.hasId()) {
      text.append(packet.id());
    }
    if (data != null) {
      text.append(Json.encode(data));
    }
    return new EncodedPacket(text.toString(), attachments);
  }

  /** True when the value holds a Buffer or byte[] anywhere inside. */
  public static boolean hasBinary(Object value) {
    if (value instanceof Buffer || value instanceof byte[]) {
      return true;
    }
    if (value instanceof JsonArray array) {
      return hasBinary(array.getList());
    }
    if (value instanceof JsonObject object) {
      return hasBinary(object.getMap());
    }
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (hasBinary(item)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Map<?, ?> map) {
      for (Object item : map.values()) {
        if (hasBinary(item)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Object[] array) {
      return hasBinary(List.of(array));
    }
    return false;
  }

  /**
   * Copies the value with every binary part replaced by a placeholder; the caller's value is
   * untouched.
   */
  private static Object deconstruct(Object value, List<byte[]> attachments) {
    if (value instanceof Buffer buffer) {
      return placeholder(buffer.getBytes(), attachments);
    }
    if (value instanceof byte[] bytes) {
      return placeholder(bytes, attachments);
    }
    if (value instanceof JsonArray array) {
      return new JsonArray(deconstructList(array.getList(), attachments));
    }
    if (value instanceof JsonObject object) {
      return new JsonObject(deconstructMap(object.getMap(), attachments));
    }
    if (value instanceof List<?> list) {
      return deconstructList(list, attachments);
    }
    if (value instanceof Map<?, ?> map) {
      return deconstructMap(map, attachments);
    }
    if (value instanceof Object[] array) {
      return deconstructList(List.of(array), attachments);
    }
    return value;
  }

  private static List<Object> deconstructList(List<?> list, List<byte[]> attachments) {
    List<Object> copy = new ArrayList<>(list.size());
    for (Object item : list) {
      copy.add(deconstruct(item, attachments));
    }
    return copy;
  }

  private static Map<String, Object> deconstructMap(Map<?, ?> map, List<byte[]> attachments) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      copy.put(String.valueOf(entry.getKey()), deconstruct(entry.getValue(), attachments));
    }
    return copy;
  }

  private static JsonObject placeholder(byte[] bytes, List<byte[]> attachments) {
    JsonObject placeholder =
        new JsonObject().put("_placeholder", true).put("num", attachments.size());
    attachments.add(bytes);
    return placeholder;
  }
}
