package chat.nexus.bench;

import chat.nexus.http.HttpListeners;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.socketio.redis.RedisAdapterOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;

/**
 * The bare room fan-out app of the socket.io benchmark: a client connects with auth {"room": "r7"}
 * and is put in that room; a "send" event with {room, ...} is broadcast as "msg" to everyone in the
 * room, the sender included. Nothing is stored; this measures the Socket.IO layer alone.
 */
public final class FanoutServer {

  private FanoutServer() {}

  public static Future<HttpListeners> start(Vertx vertx, String host, int port, int eventLoops) {
    return start(vertx, host, port, eventLoops, null);
  }

  /** With {@code redisUrl}, rooms span every node started on the same Redis (the Redis adapter). */
  public static Future<HttpListeners> start(
      Vertx vertx, String host, int port, int eventLoops, String redisUrl) {
    SocketIoOptions.Builder options = SocketIoOptions.builder();
    if (redisUrl != null) {
      options.adapterFactory(
          RedisAdapterFactory.create(vertx, RedisAdapterOptions.builder(redisUrl).build()));
    }
    SocketIoServer io = SocketIoServer.create(vertx, options.build());
    io.onConnection(
        socket -> {
          Object room = socket.handshake().auth().getValue("room");
          if (room instanceof String name) {
            socket.join(name);
          }
          socket.on(
              "send",
              event -> {
                if (event.arg(0) instanceof JsonObject message
                    && message.getValue("room") instanceof String target) {
                  io.to(target).emit("msg", message);
                }
              });
        });
    HttpServerOptions http =
        SocketIoServer.httpServerOptions(
            io.options(), new HttpServerOptions().setHost(host).setPort(port));
    return HttpListeners.start(
        vertx,
        http,
        io.requestHandler(request -> request.response().setStatusCode(404).end()),
        eventLoops);
  }
}
