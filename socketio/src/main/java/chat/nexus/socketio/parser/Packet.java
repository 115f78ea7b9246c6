package chat.nexus.socketio.parser;

/**
 * One Socket.IO packet.
 *
 * @param type the packet type; EVENT and ACK packets that carry binary are encoded as BINARY_EVENT/BINARY_ACK
 * @param namespace the namespace, "/" for the main one
 * @param data the payload: a JsonArray for events and acks, a JsonObject (or String) for CONNECT and
 *     CONNECT_ERROR, null when absent. Binary values are Vert.x Buffers (or byte[] when sending).
 * @param id the ack id, or {@link #NO_ID}
 */
public record Packet(PacketType type, String namespace, Object data, long id) {

  public static final long NO_ID = -1;
  public static final String MAIN_NAMESPACE = "/";

  public Packet {
    if (type == null) {
      throw new IllegalArgumentException("type is required");
    }
    namespace = namespace == null || namespace.isEmpty() ? MAIN_NAMESPACE : namespace;
  }

  public static Packet of(PacketType type, String namespace, Object data) {
    return new Packet(type, namespace, data, NO_ID);
  }

  public boolean hasId() {
    return id >= 0;
  }
}
