package chat.nexus.auth;

import chat.nexus.socketio.Socket;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the server keeps for one connected socket: who it is, set once by {@link
 * SocketAuthentication} before any connection handler sees the socket, and the chat rooms it has
 * joined. Each authentication makes a new one, so a socket that recovers a previous session is
 * checked again and counts its rooms afresh; the previous session's stays readable for that check
 * ({@link #in}).
 *
 * <p>The joined rooms are touched only on the socket's own event loop (its event handlers and their
 * continuations), so a plain set will do.
 */
public final class SocketSession {

  /** The one key of the server's per-socket state in {@link Socket#data()}. */
  private static final String KEY = "session";

  /**
   * The user id again, as plain text: what a session kept in Redis for recovery on another node
   * holds of the socket's data (objects such as this one stay on their node).
   */
  private static final String USER_ID_KEY = "userId";

  private final Identity identity;
  private final Set<String> joinedRooms = new HashSet<>();

  private SocketSession(Identity identity) {
    this.identity = identity;
  }

  /** Gives an authenticated socket its session (a new one on every authentication). */
  static void start(Socket socket, Identity identity) {
    socket.data().put(KEY, new SocketSession(identity));
    socket.data().put(USER_ID_KEY, identity.userId());
  }

  /**
   * The session of an authenticated socket: every socket a connection handler or event handler sees
   * has one.
   */
  public static SocketSession of(Socket socket) {
    if (socket.data().get(KEY) instanceof SocketSession session) {
      return session;
    }
    throw new IllegalStateException("socket " + socket.id() + " has not been authenticated");
  }

  /**
   * The session kept in a socket's data, when there is one: a socket kept for connection state
   * recovery, or one refused before it was authenticated.
   */
  public static Optional<SocketSession> in(Map<String, Object> data) {
    return data.get(KEY) instanceof SocketSession session ? Optional.of(session) : Optional.empty();
  }

  /**
   * The user of a socket's data: its session's, or in a session recovered from another node, the
   * plain user id kept with it.
   */
  public static Optional<String> userIdIn(Map<String, Object> data) {
    return in(data)
        .map(SocketSession::userId)
        .or(
            () ->
                data.get(USER_ID_KEY) instanceof String userId
                    ? Optional.of(userId)
                    : Optional.empty());
  }

  public Identity identity() {
    return identity;
  }

  public String userId() {
    return identity.userId();
  }

  /**
   * The chat rooms this socket has joined (not its own room or its user's inbox): presence and the
   * per-socket room cap count these.
   */
  public Set<String> joinedRooms() {
    return joinedRooms;
  }
}
