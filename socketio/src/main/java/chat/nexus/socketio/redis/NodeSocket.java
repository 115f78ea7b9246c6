package chat.nexus.socketio.redis;

import chat.nexus.socketio.Handshake;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.adapter.BroadcastOptions;
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

  NodeSocket(Namespace namespace, JsonObject json) {
    this.namespace = namespace;
    this.id = String.valueOf(json.getValue("id"));
    this.handshake = Wire.handshake(json.getValue("handshake"));
    this.rooms = Collections.unmodifiableSet(Wire.strings(json.getValue("rooms")));
    this.data =
        json.getValue("data") instanceof JsonObject d
            ? Collections.unmodifiableMap(d.getMap())
            : Map.of();
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
