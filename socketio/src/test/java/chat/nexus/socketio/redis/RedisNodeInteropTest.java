package chat.nexus.socketio.redis;

import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.testing.NodeTests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A Nexus node and a Node.js socket.io 4.8 server with {@code @socket.io/redis-adapter} in one
 * cluster over the real Redis, plus {@code @socket.io/redis-emitter}: the scenarios of
 * src/test/js/redis-adapter.test.mjs, in the classic and in the sharded mode, each reported as a
 * JUnit test.
 *
 * <p>The Nexus node's app, beyond {@link ClusterNode}'s: socket data {name: "nexus-" + id}; "fetch"
 * (room) acks [{id, name}] of fetchSockets; "my-rooms" acks the socket's rooms; "join-remote" (id,
 * room) makes that socket join, wherever it is; "heard" acks the server-side events heard;
 * "nexus-ask" (v) is answered "nexus-pong-" + v; "sse-ask" (v) acks the answers of
 * serverSideEmitWithAck("node-ask", v); "sse-tell" (v) sends serverSideEmit("from-nexus", v);
 * "broadcast-ack" acks the answers of emitWithAck("question").
 */
class RedisNodeInteropTest {

  private static final long ACK_TIMEOUT_MS = 5_000;

  @TestFactory
  List<DynamicTest> classic() throws Exception {
    return run(false);
  }

  @TestFactory
  List<DynamicTest> sharded() throws Exception {
    return run(true);
  }

  private static List<DynamicTest> run(boolean sharded) throws Exception {
    RedisAdapterOptions options = RedisAdapterTest.options(sharded);
    try (ClusterNode node = ClusterNode.start(options, false, RedisNodeInteropTest::app)) {
      JavaClient.get(node.redis.firstUp().toCompletionStage().toCompletableFuture(), "Redis");
      return NodeTests.run(
          "redis-adapter.test.mjs",
          Map.of(
              "NEXUS_URL", node.url(),
              "REDIS_URL", options.url(),
              "REDIS_KEY", options.key(),
              "REDIS_SHARDED", Boolean.toString(sharded)));
    }
  }

  static void app(SocketIoServer io) {
    List<JsonArray> heard = new CopyOnWriteArrayList<>();
    io.sockets().onServerSideEmit("from-node", heard::add);
    io.sockets()
        .onServerSideEmitWithAck(
            "nexus-ask", (args, reply) -> reply.accept("nexus-pong-" + args.getValue(1)));
    io.onConnection(
        socket -> {
          socket.data().put("name", "nexus-" + socket.id());
          socket.on(
              "fetch",
              event ->
                  io.in(String.valueOf(event.arg(0)))
                      .fetchSockets()
                      .onComplete(
                          result -> {
                            JsonArray list = new JsonArray();
                            if (result.succeeded()) {
                              for (RemoteSocket s : result.result()) {
                                list.add(
                                    new JsonObject()
                                        .put("id", s.id())
                                        .put("name", s.data().get("name")));
                              }
                            }
                            event.ack(list);
                          }));
          socket.on("my-rooms", event -> event.ack(new JsonArray(new ArrayList<>(socket.rooms()))));
          socket.on(
              "join-remote",
              event -> {
                io.in(String.valueOf(event.arg(0))).socketsJoin(String.valueOf(event.arg(1)));
                event.ack("ok");
              });
          socket.on(
              "heard",
              event -> {
                JsonArray all = new JsonArray();
                heard.forEach(
                    args -> all.add(new JsonArray(args.getList().subList(1, args.size()))));
                event.ack(all.isEmpty() ? all : new JsonArray().add(heard.get(0)));
              });
          socket.on(
              "sse-ask",
              event ->
                  io.sockets()
                      .serverSideEmitWithAck(ACK_TIMEOUT_MS, "node-ask", event.arg(0))
                      .onComplete(
                          result ->
                              event.ack(
                                  result.succeeded()
                                      ? new JsonArray(result.result())
                                      : result.cause().getMessage())));
          socket.on(
              "sse-tell",
              event -> {
                io.sockets().serverSideEmit("from-nexus", event.arg(0));
                event.ack("ok");
              });
          socket.on(
              "broadcast-ack",
              event ->
                  io.sockets()
                      .timeout(ACK_TIMEOUT_MS)
                      .emitWithAck("question", "?")
                      .onComplete(
                          result ->
                              event.ack(
                                  result.succeeded()
                                      ? new JsonArray(result.result())
                                      : result.cause().getMessage())));
        });
  }
}
