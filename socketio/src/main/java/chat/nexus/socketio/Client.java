package chat.nexus.socketio;

import chat.nexus.engineio.EngineSocket;
import chat.nexus.socketio.adapter.PersistedSession;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketDecoder;
import chat.nexus.socketio.parser.PacketType;
import chat.nexus.socketio.parser.ParseException;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One Engine.IO connection seen by Socket.IO: decodes its packets and multiplexes them over the
 * namespaces it joined. All state is touched on the connection's event loop.
 */
final class Client {

  private static final System.Logger LOG = System.getLogger(Client.class.getName());

  private final SocketIoServer server;
  private final EngineSocket engine;
  private final PacketDecoder decoder;
  private final Map<String, Socket> sockets = new HashMap<>(2);
  private final Set<String> connecting = new HashSet<>(1);
  private ScheduledFuture<?> connectTimer;

  Client(SocketIoServer server, EngineSocket engine) {
    this.server = server;
    this.engine = engine;
    this.decoder = new PacketDecoder(server.options().maxAttachments());
    engine.messageHandler(this::onMessage).closeHandler(this::onClose);
    armConnectTimer();
  }

  /**
   * Closes the connection unless it is in a namespace connectTimeoutMs from now: at its start, and
   * again when it leaves its last namespace (a client disconnecting itself, a server ending its
   * session), so that a connection is never held open without a namespace (for the application:
   * without having authenticated) for longer than that.
   */
  private void armConnectTimer() {
    connectTimer =
        engine
            .eventLoop()
            .schedule(
                () ->
                    engine.execute(
                        () -> {
                          if (sockets.isEmpty()) {
                            LOG.log(
                                Level.DEBUG,
                                () -> "no namespace joined in time, closing " + engine.id());
                            engine.close();
                          }
                        }),
                server.options().connectTimeoutMs(),
                TimeUnit.MILLISECONDS);
  }

  EngineSocket engine() {
    return engine;
  }

  private void onMessage(Object message) {
    Packet packet;
    try {
      packet =
          message instanceof String text
              ? decoder.decodeText(text)
              : decoder.decodeBinary((Buffer) message);
    } catch (ParseException e) {
      LOG.log(Level.DEBUG, () -> "parse error from " + engine.id() + ": " + e.getMessage());
      engine.close(DisconnectReason.PARSE_ERROR);
      return;
    }
    if (packet == null) {
      return; // waiting for binary attachments
    }
    if (packet.type() == PacketType.CONNECT) {
      connect(packet.namespace(), packet.data());
      return;
    }
    Socket socket = sockets.get(packet.namespace());
    if (socket != null) {
      socket.onPacket(packet);
    } else {
      LOG.log(
          Level.DEBUG,
          () -> "packet for unjoined namespace " + packet.namespace() + " from " + engine.id());
    }
  }

  private void connect(String name, Object authData) {
    if (sockets.containsKey(name) || !connecting.add(name)) {
      return; // already connected or connecting to this namespace
    }
    Namespace namespace = server.namespaceFor(name);
    if (namespace == null) {
      connecting.remove(name);
      sendConnectError(name, new ConnectError("Invalid namespace"));
      return;
    }
    JsonObject auth = authData instanceof JsonObject object ? object : new JsonObject();
    Future<PersistedSession> previous = Future.succeededFuture();
    if (server.options().recoveryEnabled()
        && auth.getValue("pid") instanceof String pid
        && auth.getValue("offset") instanceof String offset) {
      previous = namespace.adapter().restoreSession(pid, offset);
    }
    previous.onComplete(
        result ->
            engine.execute(
                () -> doConnect(namespace, auth, result.succeeded() ? result.result() : null)));
  }

  private void doConnect(Namespace namespace, JsonObject auth, PersistedSession previous) {
    if (engine.isClosed()) {
      connecting.remove(namespace.name());
      return;
    }
    Handshake handshake = handshake(auth);
    Socket socket =
        new Socket(
            namespace, this, handshake, previous, server.newSocketId(), server.newPrivateId());
    boolean skip = previous != null && server.options().recoverySkipsMiddlewares();
    Future<Void> checks =
        skip ? Future.succeededFuture() : runMiddlewares(namespace.middlewares(), socket, 0);
    checks.onComplete(
        result ->
            engine.execute(
                () -> {
                  if (result.succeeded()
                      && !skip
                      && previous != null
                      && !engine.isClosed()
                      && !server.options().recoveryCheck().test(previous, socket)) {
                    LOG.log(
                        Level.DEBUG,
                        () ->
                            "recovery of "
                                + previous.sid()
                                + " refused for "
                                + engine.id()
                                + ": connecting as a new session");
                    keepForRecovery(namespace, previous);
                    doConnect(namespace, auth, null);
                    return;
                  }
                  connecting.remove(namespace.name());
                  if (engine.isClosed() || result.failed()) {
                    // A refused attempt (an expired token, say) does not cost the session's owner
                    // the session.
                    keepForRecovery(namespace, previous);
                  }
                  if (engine.isClosed()) {
                    return;
                  }
                  if (result.failed()) {
                    sendConnectError(namespace.name(), result.cause());
                    return;
                  }
                  connectTimer.cancel(false);
                  engine.admit();
                  sockets.put(namespace.name(), socket);
                  socket.onConnect();
                  namespace.fireConnection(socket);
                }));
  }

  /** Puts a session taken out for a recovery that did not happen back, as it was kept. */
  private static void keepForRecovery(Namespace namespace, PersistedSession previous) {
    if (previous != null) {
      namespace
          .adapter()
          .persistSession(
              new PersistedSession(
                  previous.sid(), previous.pid(), previous.rooms(), previous.data(), List.of()));
    }
  }

  private static Future<Void> runMiddlewares(
      List<Middleware> middlewares, Socket socket, int index) {
    if (index >= middlewares.size()) {
      return Future.succeededFuture();
    }
    Future<Void> step;
    try {
      step = middlewares.get(index).apply(socket);
    } catch (RuntimeException e) {
      step = Future.failedFuture(e);
    }
    if (step == null) {
      step = Future.failedFuture(new IllegalStateException("middleware returned null"));
    }
    return step.compose(v -> runMiddlewares(middlewares, socket, index + 1));
  }

  private void sendConnectError(String namespace, Throwable cause) {
    String message =
        cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    JsonObject error = new JsonObject().put("message", message);
    if (cause instanceof ConnectError connectError && connectError.data() != null) {
      error.put("data", connectError.data());
    }
    engine.send(
        server
            .of(Packet.MAIN_NAMESPACE)
            .encode(Packet.of(PacketType.CONNECT_ERROR, namespace, error)));
  }

  private Handshake handshake(JsonObject auth) {
    EngineSocket.RequestInfo request = engine.request();
    return new Handshake(
        request.headers(),
        auth,
        request.remoteAddress(),
        System.currentTimeMillis(),
        request.uri(),
        request.secure());
  }

  void remove(Socket socket) {
    if (sockets.remove(socket.namespace().name(), socket)
        && sockets.isEmpty()
        && !engine.isClosed()) {
      connectTimer.cancel(false);
      armConnectTimer();
    }
  }

  /** Disconnects every namespace, then closes the connection. */
  void disconnectAll() {
    for (Socket socket : new ArrayList<>(sockets.values())) {
      socket.sendFrames(
          socket
              .namespace()
              .encode(Packet.of(PacketType.DISCONNECT, socket.namespace().name(), null)));
      socket.onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    }
    engine.close(DisconnectReason.FORCED_SERVER_CLOSE);
  }

  private void onClose(String reason) {
    connectTimer.cancel(false);
    decoder.reset();
    for (Socket socket : new ArrayList<>(sockets.values())) {
      socket.onClose(reason);
    }
    sockets.clear();
  }
}
