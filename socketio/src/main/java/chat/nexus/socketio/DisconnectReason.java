package chat.nexus.socketio;

import java.util.Set;

/**
 * Why a socket left, spelled as the reference server spells it. Which ones the client recovers from
 * decides connection state recovery: after these the session is kept for {@link
 * SocketIoOptions#maxDisconnectionDurationMs()}.
 */
public final class DisconnectReason {

  /** The client closed the connection (tab closed, network lost and noticed by the OS). */
  public static final String TRANSPORT_CLOSE = "transport close";

  /** The connection failed (I/O error, or the client stayed over its outbound buffer limit). */
  public static final String TRANSPORT_ERROR = "transport error";

  /** The client stopped answering pings. */
  public static final String PING_TIMEOUT = "ping timeout";

  /** The server called {@code socket.disconnect()}; the client will not reconnect by itself. */
  public static final String SERVER_NAMESPACE_DISCONNECT = "server namespace disconnect";

  /** The client called {@code socket.disconnect()}. */
  public static final String CLIENT_NAMESPACE_DISCONNECT = "client namespace disconnect";

  /** The client sent a packet that does not follow the protocol. */
  public static final String PARSE_ERROR = "parse error";

  /** The server closed the underlying connection. */
  public static final String FORCED_CLOSE = "forced close";

  /** The server closed the whole connection with {@code socket.disconnect(true)}. */
  public static final String FORCED_SERVER_CLOSE = "forced server close";

  /** The server is stopping; clients reconnect (to another node behind a load balancer). */
  public static final String SERVER_SHUTTING_DOWN = "server shutting down";

  /** Reasons after which the client reconnects and may recover its session. */
  public static final Set<String> RECOVERABLE =
      Set.of(
          TRANSPORT_ERROR,
          TRANSPORT_CLOSE,
          FORCED_CLOSE,
          PING_TIMEOUT,
          SERVER_SHUTTING_DOWN,
          FORCED_SERVER_CLOSE);

  private DisconnectReason() {}
}
