package chat.nexus.socketio.testing;

import chat.nexus.socketio.ConnectError;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server the interop tests talk to with the official clients. Its behaviour (the test
 * contract):
 *
 * <ul>
 *   <li>Middleware on "/": auth {token: "bad"} is refused with connect_error "unauthorized" and
 *       data {reason: "bad token"}; anything else is accepted.
 *   <li>On connection to "/": emits "welcome" with {auth, recovered, transport, id}.
 *   <li>"echo" (args...) -> emits "echo-back" with the same args (binary included).
 *   <li>"ack-me" (args...) -> acks with the same args.
 *   <li>"join" (room) -> joins, acks ["joined", room].
 *   <li>"leave" (room) -> leaves, acks ["left", room].
 *   <li>"to-room" (room, msg) -> io.to(room).emit("room-msg", msg) (sender included when in the
 *       room); acks ["sent"].
 *   <li>"broadcast-except-me" (room, msg) -> socket.to(room).emit("room-msg", msg); acks ["sent"].
 *   <li>"ask-me" (value) -> the server emits "question" (value) with a 2 s ack timeout to this
 *       client and emits "answer" with the client's ack args (or "answer-timeout" with the error
 *       message).
 *   <li>"disconnect-me" -> socket.disconnect(false) (the client must not reconnect).
 *   <li>"close-me" -> socket.disconnect(true).
 *   <li>"last-reason" (socketId) -> acks with the server-side disconnect reason recorded for that
 *       socket id, or null.
 *   <li>"/admin": middleware requires auth {role: "admin"} else connect_error "forbidden"; on
 *       connection emits "welcome" {namespace: "/admin"}; "echo" as above.
 *   <li>Dynamic namespaces matching /dyn-[0-9]+: on connection emit "welcome" {namespace: name}.
 *   <li>Unknown namespaces: connect_error "Invalid namespace".
 * </ul>
 *
 * Connection state recovery is on (2 minutes): as with the reference server, every event the server
 * emits (not acks) carries its offset as an extra, last string argument, which clients without
 * recovery (the Java client 2.1.2) hand to their listeners. Heartbeat is fast (pingInterval 400 ms,
 * pingTimeout 400 ms) so that a ping timeout shows within a second.
 */
public final class InteropApp {

  public static final long PING_INTERVAL_MS = 400;
  public static final long PING_TIMEOUT_MS = 400;

  /** Server-side disconnect reasons by socket id, for "last-reason". */
  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  public static SocketIoOptions options() {
    SocketIoOptions.Builder builder =
        SocketIoOptions.builder()
            .maxDisconnectionDurationMs(SocketIoOptions.RECOMMENDED_MAX_DISCONNECTION_DURATION_MS)
            .connectTimeoutMs(5_000);
    builder.engine().pingIntervalMs(PING_INTERVAL_MS).pingTimeoutMs(PING_TIMEOUT_MS);
    return builder.build();
  }

  public static TestServer start() {
    InteropApp app = new InteropApp();
    return TestServer.start(options(), app::setup);
  }

  void setup(SocketIoServer io) {
    io.use(
        socket ->
            "bad".equals(socket.handshake().auth().getValue("token"))
                ? Future.failedFuture(
                    new ConnectError("unauthorized", new JsonObject().put("reason", "bad token")))
                : Future.succeededFuture());
    io.onConnection(
        socket -> {
          socket.emit(
              "welcome",
              new JsonObject()
                  .put("auth", socket.handshake().auth())
                  .put("recovered", socket.recovered())
                  .put("transport", socket.transport())
                  .put("id", socket.id()));
          handlers(io.sockets(), socket);
        });

    Namespace admin = io.of("/admin");
    admin.use(
        socket ->
            "admin".equals(socket.handshake().auth().getValue("role"))
                ? Future.succeededFuture()
                : Future.failedFuture(new ConnectError("forbidden")));
    admin.onConnection(
        socket -> {
          socket.emit("welcome", new JsonObject().put("namespace", "/admin"));
          handlers(admin, socket);
        });

    io.ofDynamic(
        name -> name.matches("/dyn-[0-9]+"),
        namespace ->
            namespace.onConnection(
                socket -> {
                  socket.emit("welcome", new JsonObject().put("namespace", namespace.name()));
                  handlers(namespace, socket);
                }));
  }

  private void handlers(Namespace namespace, Socket socket) {
    socket.onDisconnect(reason -> reasons.put(socket.id(), reason));
    socket.on("echo", event -> socket.emit("echo-back", event.args().getList().toArray()));
    socket.on("ack-me", event -> event.ack(event.args().getList().toArray()));
    socket.on(
        "join",
        event -> {
          socket.join(String.valueOf(event.arg(0)));
          event.ack("joined", event.arg(0));
        });
    socket.on(
        "leave",
        event -> {
          socket.leave(String.valueOf(event.arg(0)));
          event.ack("left", event.arg(0));
        });
    socket.on(
        "to-room",
        event -> {
          namespace.to(String.valueOf(event.arg(0))).emit("room-msg", event.arg(1));
          event.ack("sent");
        });
    socket.on(
        "broadcast-except-me",
        event -> {
          socket.to(String.valueOf(event.arg(0))).emit("room-msg", event.arg(1));
          event.ack("sent");
        });
    socket.on(
        "ask-me",
        event ->
            socket
                .timeout(2_000)
                .emitWithAck("question", event.arg(0))
                .onComplete(
                    result -> {
                      if (result.succeeded()) {
                        socket.emit("answer", result.result().getList().toArray());
                      } else {
                        socket.emit("answer-timeout", result.cause().getMessage());
                      }
                    }));
    socket.on("disconnect-me", event -> socket.disconnect(false));
    socket.on("close-me", event -> socket.disconnect(true));
    socket.on("last-reason", event -> event.ack(reasons.get(String.valueOf(event.arg(0)))));
  }
}
