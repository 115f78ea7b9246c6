package chat.nexus.socketio;

import io.vertx.core.json.JsonArray;

/**
 * An event from a client: its name, its arguments (JSON values, with binary parts as Vert.x
 * Buffers) and, when the client asked for one, the acknowledgement to send back.
 */
public final class Event {

  private final Socket socket;
  private final String name;
  private final JsonArray args;
  private final long ackId;
  private boolean acked;

  Event(Socket socket, String name, JsonArray args, long ackId) {
    this.socket = socket;
    this.name = name;
    this.args = args;
    this.ackId = ackId;
  }

  public Socket socket() {
    return socket;
  }

  public String name() {
    return name;
  }

  /** The arguments after the event name. */
  public JsonArray args() {
    return args;
  }

  /**
   * The argument at index as decoded (JsonObject, JsonArray, String, Number, Boolean, Buffer for
   * binary), or null when there are fewer. Inside objects and arrays, read binary parts with {@code
   * getBuffer(...)}: Vert.x's {@code getValue} turns a Buffer into base64 text.
   */
  public Object arg(int index) {
    if (index >= args.size()) {
      return null;
    }
    Object value = args.getList().get(index);
    if (value instanceof java.util.Map<?, ?> || value instanceof java.util.List<?>) {
      return args.getValue(index); // wrapped as JsonObject / JsonArray
    }
    return value;
  }

  /** Whether the client asked for an acknowledgement. */
  public boolean wantsAck() {
    return ackId >= 0;
  }

  /**
   * Sends the acknowledgement with these arguments. Only the first call sends; without a requested
   * ack this does nothing. Thread-safe.
   */
  public void ack(Object... values) {
    synchronized (this) {
      if (acked || ackId < 0) {
        return;
      }
      acked = true;
    }
    socket.sendAck(ackId, values);
  }
}
