package chat.nexus.socketio.adapter;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A namespace's sockets on this node, without a server. */
final class FakeNamespace implements LocalSockets {

  private final Map<String, FakeRecipient> sockets = new ConcurrentHashMap<>();

  FakeRecipient connect(String id) {
    return add(new FakeRecipient(id));
  }

  FakeRecipient connect(String id, EventExecutor loop) {
    return add(new FakeRecipient(id, loop));
  }

  private FakeRecipient add(FakeRecipient socket) {
    sockets.put(socket.id(), socket);
    return socket;
  }

  void disconnect(String id) {
    sockets.remove(id);
  }

  @Override
  public FakeRecipient socket(String id) {
    return sockets.get(id);
  }

  @Override
  public Map<String, FakeRecipient> sockets() {
    return sockets;
  }
}
