package chat.nexus.socketio;

/**
 * Refuses a namespace connection from a {@link Middleware}. The client receives {@code
 * connect_error} with this message and, when set, this data.
 */
public final class ConnectError extends RuntimeException {

  private final transient Object data;

  public ConnectError(String message) {
    this(message, null);
  }

  public ConnectError(String message, Object data) {
    super(message, null, false, false);
    this.data = data;
  }

  /** Extra details for the client (a JsonObject, String, number...), or null. */
  public Object data() {
    return data;
  }
}
