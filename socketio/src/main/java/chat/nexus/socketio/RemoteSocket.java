package chat.nexus.socketio;

import java.util.Map;
import java.util.Set;

/**
 * A socket returned by {@code fetchSockets()}: on this node (a {@link Socket}) or, with a cluster
 * adapter, on another one. Its operations reach it wherever it is.
 */
public interface RemoteSocket {
  String id();

  Handshake handshake();

  Set<String> rooms();

  /** Application data attached to the socket ({@code socket.data} in the reference server). */
  Map<String, Object> data();

  void emit(String event, Object... args);

  void join(String... rooms);

  void leave(String room);

  void disconnect(boolean close);
}
