package chat.nexus.socketio;

import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.SocketDetails;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * A socket of another node, as its fetchSockets answer described it. Its operations go through the
 * cluster (a broadcast or a remote join/leave/disconnect addressed to its id), as in the reference
 * server.
 */
final class NodeSocket implements RemoteSocket {

  private final Namespace namespace;
  private final String id;
  private final Handshake handshake;
  private final Set<String> rooms;
  private final Map<String, Object> data;

  NodeSocket(Namespace namespace, SocketDetails details) {
    this.namespace = namespace;
    this.id = details.id();
    this.handshake = handshake(details.handshake());
    this.rooms = Collections.unmodifiableSet(details.rooms());
    this.data = Collections.unmodifiableMap(details.data());
  }

  /** The handshake from the reference server's form; absent fields get neutral values. */
  private static Handshake handshake(JsonObject json) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (json.getValue("headers") instanceof JsonObject h) {
      h.forEach(e -> headers.add(e.getKey(), String.valueOf(e.getValue())));
    }
    Object issued = json.getValue("issued");
    return new Handshake(
        headers,
        json.getValue("auth") instanceof JsonObject auth ? auth : new JsonObject(),
        json.getString("address", ""),
        issued instanceof Number n ? n.longValue() : 0,
        json.getString("url", "/"),
        Boolean.TRUE.equals(json.getValue("secure")));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  @Override
  public Set<String> rooms() {
    return rooms;
  }

  @Override
  public Map<String, Object> data() {
    return data;
  }

  @Override
  public void emit(String event, Object... args) {
    namespace.to(id).emit(event, args);
  }

  @Override
  public void join(String... more) {
    namespace.adapter().addSockets(BroadcastOptions.toRooms(Set.of(id)), Set.of(more));
  }

  @Override
  public void leave(String room) {
    namespace.adapter().delSockets(BroadcastOptions.toRooms(Set.of(id)), Set.of(room));
  }

  @Override
  public void disconnect(boolean close) {
    namespace.adapter().disconnectSockets(BroadcastOptions.toRooms(Set.of(id)), close);
  }

  @Override
  public String toString() {
    return "NodeSocket[" + namespace.name() + " " + id + "]";
  }
}
