package chat.nexus.socketio.redis;

import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.testing.NodeTests;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Two Nexus nodes in the streams mode and a Node.js socket.io 4.8 server with {@code
 * @socket.io/redis-streams-adapter} 0.3 in one cluster over the real Redis, connection state
 * recovery on: the scenarios of src/test/js/redis-streams-adapter.test.mjs (broadcasts, rooms,
 * fetchSockets, serverSideEmit, acks, and sessions recovered on another server of either kind),
 * each reported as a JUnit test. The stream, channel prefix and session keys are the test's own;
 * the script deletes the stream at its end (sessions expire).
 */
class RedisStreamsInteropTest {

  /** Small, so that a scenario can outrun the stream with a few hundred entries. */
  private static final int MAX_LEN = 100;

  @TestFactory
  List<DynamicTest> streams() throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    RedisStreamsOptions streams =
        RedisStreamsOptions.builder()
            .streamName("nexus-test-stream-" + id)
            .sessionKeyPrefix("nexus-test-session-" + id + ":")
            .maxLen(MAX_LEN)
            .build();
    RedisAdapterOptions options =
        RedisAdapterOptions.builder(RedisAdapterTest.REDIS_URL)
            .key("nexus-test-" + id)
            .streams(streams)
            .requestsTimeoutMs(3_000)
            .build();
    try (ClusterNode one = ClusterNode.start(options, true, RedisStreamsInteropTest::app);
        ClusterNode two = ClusterNode.start(options, true, RedisStreamsInteropTest::app)) {
      JavaClient.get(one.redis.firstUp().toCompletionStage().toCompletableFuture(), "Redis");
      JavaClient.get(two.redis.firstUp().toCompletionStage().toCompletableFuture(), "Redis");
      return NodeTests.run(
          "redis-streams-adapter.test.mjs",
          Map.of(
              "NEXUS_URL", one.url(),
              "NEXUS2_URL", two.url(),
              "REDIS_URL", options.url(),
              "REDIS_KEY", options.key(),
              "STREAM", streams.streamName(),
              "SESSION_PREFIX", streams.sessionKeyPrefix(),
              "MAX_LEN", Integer.toString(MAX_LEN)));
    }
  }

  /**
   * {@link RedisNodeInteropTest}'s app, answers to the Node.js server's "node-ask", and "local-all"
   * (msg): "room-msg" (msg) to every socket of this node only.
   */
  private static void app(SocketIoServer io) {
    RedisNodeInteropTest.app(io);
    io.sockets()
        .onServerSideEmitWithAck(
            "node-ask", (args, reply) -> reply.accept("nexus-pong-" + args.getValue(1)));
    io.onConnection(
        socket ->
            socket.on(
                "local-all",
                event -> {
                  io.sockets().local().emit("room-msg", event.arg(0));
                  event.ack("sent");
                }));
  }
}
