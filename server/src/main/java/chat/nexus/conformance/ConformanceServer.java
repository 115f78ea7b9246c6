package chat.nexus.conformance;

import chat.nexus.engineio.CorsOptions;
import chat.nexus.engineio.EngineIoOptions;
import chat.nexus.engineio.EngineIoServer;
import chat.nexus.http.HttpListeners;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The configuration the official Engine.IO v4 and Socket.IO v5 protocol test suites expect:
 * Socket.IO at /socket.io/ and a raw Engine.IO echo server at /engine.io/, both with pingInterval
 * 300 ms, pingTimeout 200 ms, maxPayload 1,000,000 and CORS "*"; Socket.IO's connectTimeout is
 * 1,000 ms.
 *
 * <p>One event loop by default. A few suite tests send on a websocket and, without waiting for the
 * answer, on a second HTTP connection ("5" then a GET; a GET and a "1" POST at once) and expect the
 * server to handle them in the order sent. With several event loops the two connections may land on
 * different threads and be handled in either order; real clients never do this (they wait for
 * "3probe" and pause polling before sending "5"), and the interop tests cover the multi-loop
 * upgrade path.
 */
public final class ConformanceServer {

  static final long PING_INTERVAL_MS = 300;
  static final long PING_TIMEOUT_MS = 200;
  static final int MAX_PAYLOAD = 1_000_000;
  static final long CONNECT_TIMEOUT_MS = 1_000;

  /**
   * The HTTP idle timeout of a default heartbeat (25 + 20 s) rather than of this fast one (500 ms),
   * which would close keep-alive connections between a suite's requests and race the next one.
   */
  static final int IDLE_TIMEOUT_S = 45;

  private ConformanceServer() {}

  public static Future<HttpListeners> start(Vertx vertx, String host, int port, int eventLoops) {
    SocketIoOptions.Builder builder =
        SocketIoOptions.builder().connectTimeoutMs(CONNECT_TIMEOUT_MS);
    builder
        .engine()
        .pingIntervalMs(PING_INTERVAL_MS)
        .pingTimeoutMs(PING_TIMEOUT_MS)
        .maxPayload(MAX_PAYLOAD)
        .cors(CorsOptions.ANY);
    SocketIoOptions options = builder.build();
    SocketIoServer io = SocketIoServer.create(vertx, options);
    echo(io.sockets());
    echo(io.of("/custom"));

    EngineIoOptions engineOptions = options.engine().toBuilder().path("/engine.io/").build();
    EngineIoServer engine = new EngineIoServer(vertx, engineOptions);
    engine.connectionHandler(
        socket ->
            socket.messageHandler(
                message -> {
                  if (message instanceof String text) {
                    socket.sendMessage(text);
                  } else {
                    socket.sendBinary(((Buffer) message).getBytes());
                  }
                }));

    HttpServerOptions http =
        SocketIoServer.httpServerOptions(
            options,
            new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(IDLE_TIMEOUT_S));
    return HttpListeners.start(
        vertx,
        http,
        io.requestHandler(
            request -> {
              if (engine.matches(request)) {
                engine.handle(request);
              } else {
                request.response().setStatusCode(404).end();
              }
            }),
        eventLoops);
  }

  private static void echo(Namespace namespace) {
    namespace.onConnection(
        socket -> {
          socket.emit("auth", socket.handshake().auth());
          socket.on(
              "message", event -> socket.emit("message-back", event.args().getList().toArray()));
          socket.on("message-with-ack", event -> event.ack(event.args().getList().toArray()));
        });
  }
}
