package chat.nexus.socketio.parser;

/** Socket.IO v5 packet types, numbered as on the wire. */
public enum PacketType {
  CONNECT,
  DISCONNECT,
  EVENT,
  ACK,
  CONNECT_ERROR,
  BINARY_EVENT,
  BINARY_ACK;

  private static final PacketType[] BY_CODE = values();

  public int code() {
    return ordinal();
  }

  /** The type for a wire digit, or null when the digit names no type. */
  public static PacketType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  public boolean isBinary() {
    return this == BINARY_EVENT || this == BINARY_ACK;
  }
}
