package chat.nexus.socketio.redis;

import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.testing.TestServer;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * A Socket.IO server with the Redis adapter, on its own Vert.x, port 0. The app: "join" (room)
 * joins and acks "joined"; "to-room" (room, msg) sends "room-msg" (msg) to the room and acks
 * "sent".
 */
final class ClusterNode implements AutoCloseable {

  final TestServer server;
  final RedisAdapterFactory redis;

  private ClusterNode(TestServer server, RedisAdapterFactory redis) {
    this.server = server;
    this.redis = redis;
  }

  static ClusterNode start(RedisAdapterOptions options) {
    return start(options, false, io -> {});
  }

  static ClusterNode start(
      RedisAdapterOptions options, boolean recovery, Consumer<SocketIoServer> extra) {
    Vertx vertx = TestServer.newVertx(2);
    RedisAdapterFactory redis = RedisAdapterFactory.create(vertx, options);
    SocketIoOptions.Builder builder = SocketIoOptions.builder().adapterFactory(redis);
    if (recovery) {
      builder.maxDisconnectionDurationMs(SocketIoOptions.RECOMMENDED_MAX_DISCONNECTION_DURATION_MS);
    }
    TestServer server =
        TestServer.start(
            vertx,
            builder.build(),
            io -> {
              io.onConnection(
                  socket -> {
                    socket.on(
                        "join",
                        event -> {
                          socket.join(String.valueOf(event.arg(0)));
                          event.ack("joined");
                        });
                    socket.on(
                        "to-room",
                        event -> {
                          io.to(String.valueOf(event.arg(0))).emit("room-msg", event.arg(1));
                          event.ack("sent");
                        });
                  });
              extra.accept(io);
            },
            2);
    return new ClusterNode(server, redis);
  }

  SocketIoServer io() {
    return server.io();
  }

  String url() {
    return server.url();
  }

  /** Nodes this one sees (subscribers of its namespace's request channel). */
  int serverCount() {
    return io().sockets().adapter().serverCount();
  }

  @Override
  public void close() {
    io().close();
    redis.closeAsync();
    server.close();
  }
}
