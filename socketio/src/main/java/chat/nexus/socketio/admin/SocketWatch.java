package chat.nexus.socketio.admin;

import chat.nexus.socketio.Event;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Development mode: tells the admin namespace about each socket of the shown namespaces as the
 * reference instrument does ({@code socket_connected}, {@code socket_updated}, {@code
 * socket_disconnected}, {@code room_joined}, {@code room_left}, {@code event_received}). Joins and
 * leaves are found by comparing each socket's rooms with what was last told, every {@link #scan}
 * (the adapters report no single join), so the UI learns of one within a scan period; a socket's
 * last rooms are told when it disconnects. Events a server sends are not reported.
 */
final class SocketWatch {

  private record Seen(Set<String> rooms, String transport) {}

  private final Namespace admin;
  private final boolean singleNode;
  private final Map<Socket, Seen> seen = new ConcurrentHashMap<>();

  SocketWatch(Namespace admin) {
    this.admin = admin;
    this.singleNode = admin.adapter() instanceof InMemoryAdapter;
  }

  /**
   * Sends news to the admins: with the in-process adapter only while one is connected (a later one
   * gets the whole list at once); with a cluster adapter always, since admins of other nodes are
   * not known here.
   */
  private boolean watched() {
    return !singleNode || !admin.sockets().isEmpty();
  }

  private void tell(String event, Object... args) {
    if (watched()) {
      admin.emit(event, args);
    }
  }

  /** Call from the namespace's connection handler. */
  void attach(Socket socket) {
    String nsp = socket.namespace().name();
    if (!singleNode) {
      socket.data().put(SocketView.ADMIN_DATA, SocketView.adminData(socket));
    }
    seen.put(socket, new Seen(socket.rooms(), socket.transport()));
    if (watched()) {
      admin.emit("socket_connected", SocketView.of(socket, nsp), now());
    }
    if (socket.namespace() != admin) {
      socket.onAny(
          event -> {
            if (watched()) {
              admin.emit("event_received", nsp, socket.id(), args(event), now());
            }
          });
    }
    socket.onDisconnecting(
        reason -> {
          Seen last = seen.remove(socket);
          Set<String> rooms = new HashSet<>(socket.rooms());
          if (last != null) {
            rooms.addAll(last.rooms());
          }
          for (String room : rooms) {
            tell("room_left", nsp, room, socket.id(), now());
          }
        });
    socket.onDisconnect(reason -> tell("socket_disconnected", nsp, socket.id(), reason, now()));
  }

  /** Tells the joins, leaves and transport upgrades since the previous scan. */
  void scan() {
    seen.forEach(
        (socket, last) -> {
          if (!socket.connected()) {
            return;
          }
          String nsp = socket.namespace().name();
          Set<String> rooms = socket.rooms();
          String transport = socket.transport();
          if (rooms.equals(last.rooms()) && transport.equals(last.transport())) {
            return;
          }
          if (seen.replace(socket, last, new Seen(rooms, transport))) {
            for (String room : rooms) {
              if (!last.rooms().contains(room)) {
                tell("room_joined", nsp, room, socket.id(), now());
              }
            }
            for (String room : last.rooms()) {
              if (!rooms.contains(room)) {
                tell("room_left", nsp, room, socket.id(), now());
              }
            }
            if (!transport.equals(last.transport())) {
              if (!singleNode) {
                socket.data().put(SocketView.ADMIN_DATA, SocketView.adminData(socket));
              }
              tell(
                  "socket_updated",
                  new JsonObject()
                      .put("id", socket.id())
                      .put("nsp", nsp)
                      .put("transport", transport));
            }
          }
        });
  }

  /**
   * The longest arguments (as JSON) shown with an event. A client may send any event, handled or
   * not, up to the largest packet; relayed whole, each would go to every admin (with several nodes,
   * through Redis, admins or not).
   */
  static final int MAX_SHOWN_ARGS_CHARS = 16_384;

  /**
   * The event's name and arguments, as the reference sends them (an ack callback left out); longer
   * arguments are replaced by their length.
   */
  private static JsonArray args(Event event) {
    JsonArray args = new JsonArray().add(event.name());
    String encoded = event.args().encode();
    if (encoded.length() > MAX_SHOWN_ARGS_CHARS) {
      return args.add("(" + encoded.length() + " characters of arguments, not shown)");
    }
    event.args().forEach(args::add);
    return args;
  }

  private static String now() {
    return Instant.now().toString();
  }
}
