package chat.nexus.socketio.parser;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Set;

/**
 * One Socket.IO packet.
 *
 * @param type the packet type; EVENT and ACK packets that carry binary are encoded as
 *     BINARY_EVENT/BINARY_ACK
 * @param namespace the namespace, "/" for the main one
 * @param data the payload: a JsonArray for events and acks, a JsonObject (or String) for CONNECT
 *     and CONNECT_ERROR, null when absent. Binary values are Vert.x Buffers (or byte[] when
 *     sending).
 * @param id the ack id, or {@link #NO_ID}
 */
public record Packet(PacketType type, String namespace, Object data, long id) {

  public static final long NO_ID = -1;
  public static final String MAIN_NAMESPACE = "/";

  /** Event names the Socket.IO client keeps for itself: no event packet carries them either way. */
  public static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  public Packet {
    if (type == null) {
      throw new IllegalArgumentException("type is required");
    }
    namespace = namespace == null || namespace.isEmpty() ? MAIN_NAMESPACE : namespace;
  }

  public static Packet of(PacketType type, String namespace, Object data) {
    return new Packet(type, namespace, data, NO_ID);
  }

  /** The data of an event packet: the event's name, then its arguments. Refuses a reserved name. */
  public static JsonArray eventData(String event, Object[] args) {
    if (event == null || RESERVED_EVENTS.contains(event)) {
      throw new IllegalArgumentException("'" + event + "' is a reserved event name");
    }
    JsonArray data = new JsonArray(new ArrayList<>(args.length + 1));
    data.add(event);
    for (Object arg : args) {
      data.add(arg);
    }
    return data;
  }

  public boolean hasId() {
    return id >= 0;
  }
}
