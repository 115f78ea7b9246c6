package chat.nexus.socketio.redis;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.json.JSONObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes in one JVM over the real Redis at 127.0.0.1:6379 (a random channel prefix per test,
 * since other suites share it), a client on each: broadcasts, remote joins and leaves,
 * fetchSockets, serverSideEmit and broadcasts with acks cross; in the classic and in the sharded
 * mode.
 */
class RedisAdapterTest {

  static final String REDIS_URL = System.getProperty("nexus.redis.url", "redis://127.0.0.1:6379");

  static RedisAdapterOptions options(boolean sharded) {
    return RedisAdapterOptions.builder(REDIS_URL)
        .key("nexus-test-" + UUID.randomUUID().toString().substring(0, 8))
        .sharded(sharded)
        .requestsTimeoutMs(3_000)
        .build();
  }

  /** Two nodes on the same key that see each other. */
  static ClusterNode[] pair(
      RedisAdapterOptions options,
      boolean recovery,
      java.util.function.Consumer<chat.nexus.socketio.SocketIoServer> extra) {
    ClusterNode one = ClusterNode.start(options, recovery, extra);
    ClusterNode two;
    try {
      two = ClusterNode.start(options, recovery, extra);
    } catch (RuntimeException | AssertionError e) {
      one.close();
      throw e;
    }
    until(() -> one.serverCount() == 2 && two.serverCount() == 2, "both nodes subscribed");
    return new ClusterNode[] {one, two};
  }

  static void until(BooleanSupplier condition, String what) {
    Waits.until(condition, what);
  }

  /**
   * Waits until {@code nodes} nodes listen on the room's own channel: the sharded adapter
   * subscribes to it when the room appears on a node (the classic one has no such channel).
   */
  static void awaitRoomChannel(
      ClusterNode node, RedisAdapterOptions options, String room, int nodes) {
    if (!options.sharded()
        || options.subscriptionMode() != RedisAdapterOptions.SubscriptionMode.DYNAMIC) {
      return;
    }
    String channel = options.key() + "#/#" + room + "#";
    Redis redis = Redis.createClient(node.server.vertx(), options.url());
    try {
      until(
          () -> shardSubscribers(redis, channel) == nodes,
          nodes + " nodes subscribed to " + channel);
    } finally {
      redis.close();
    }
  }

  /** PUBSUB SHARDNUMSUB of one channel. */
  private static long shardSubscribers(Redis redis, String channel) {
    try {
      return redis
          .send(Request.cmd(Command.PUBSUB).arg("SHARDNUMSUB").arg(channel))
          .await(5, TimeUnit.SECONDS)
          .get(1)
          .toLong();
    } catch (Exception e) {
      throw new AssertionError("PUBSUB SHARDNUMSUB " + channel + ": " + e, e);
    }
  }

  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void roomBroadcastsCrossBothWays(boolean sharded) throws Exception {
    RedisAdapterOptions options = options(sharded);
    ClusterNode[] nodes = pair(options, false, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg", "bin", "direct");
        JavaClient b = JavaClient.connect(two.url(), "room-msg", "bin", "direct")) {
      assertThat(a.call("join", "r1")).isEqualTo("joined");
      assertThat(b.call("join", "r1")).isEqualTo("joined");
      // the sharded adapter subscribes to a room's channel when the room appears on a node
      until(() -> sharded ? one.serverCount() == 2 : true, "subscriptions");
      awaitRoomChannel(one, options, "r1", 2);

      a.call("to-room", "r1", new JSONObject().put("text", "from a"));
      assertThat(((JSONObject) b.next("room-msg")[0]).getString("text")).isEqualTo("from a");
      assertThat(((JSONObject) a.next("room-msg")[0]).getString("text")).isEqualTo("from a");

      b.call("to-room", "r1", "from b");
      assertThat(a.next("room-msg")).containsExactly("from b");
      assertThat(b.next("room-msg")).containsExactly("from b");

      one.io().to("r1").emit("bin", new byte[] {1, 2, 3}, "tail");
      Object[] got = b.next("bin");
      assertThat((byte[]) got[0]).containsExactly(1, 2, 3);
      assertThat(got[1]).isEqualTo("tail");

      // to one socket of the other node, and except
      one.io().to(b.id()).emit("direct", "just b");
      assertThat(b.next("direct")).containsExactly("just b");
      one.io().to("r1").except(b.id()).emit("direct", "not b");
      assertThat(a.next("direct")).containsExactly("not b");
      assertThat(b.poll("direct", 300)).isNull();

      // local() stays on its node
      one.io().sockets().local().emit("direct", "local only");
      assertThat(a.next("direct")).containsExactly("local only");
      assertThat(b.poll("direct", 300)).isNull();
    }
  }

  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void fetchSocketsAndRemoteJoinLeaveDisconnect(boolean sharded) throws Exception {
    ClusterNode[] nodes =
        pair(
            options(sharded),
            false,
            io -> io.onConnection(socket -> socket.data().put("name", "n-" + socket.id())));
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      a.call("join", "r1");
      b.call("join", "r1");

      List<RemoteSocket> all =
          one.io()
              .in("r1")
              .fetchSockets()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(all).extracting(RemoteSocket::id).containsExactlyInAnyOrder(a.id(), b.id());
      RemoteSocket remote =
          all.stream().filter(s -> s.id().equals(b.id())).findFirst().orElseThrow();
      assertThat(remote.rooms()).contains("r1", b.id());
      assertThat(remote.data()).containsEntry("name", "n-" + b.id());
      assertThat(remote.handshake().address()).isNotEmpty();

      // remote join, through the RemoteSocket
      remote.join("r2");
      until(() -> two.io().sockets().adapter().socketRooms(b.id()).contains("r2"), "b to join r2");
      one.io().to("r2").emit("room-msg", "to r2");
      assertThat(b.next("room-msg")).containsExactly("to r2");

      // socketsLeave for everyone in r2
      one.io().in("r2").socketsLeave("r2");
      until(
          () -> !two.io().sockets().adapter().socketRooms(b.id()).contains("r2"), "b to leave r2");

      // socketsJoin for a whole room, both nodes
      two.io().in("r1").socketsJoin("r3");
      until(
          () ->
              one.io().sockets().adapter().socketRooms(a.id()).contains("r3")
                  && two.io().sockets().adapter().socketRooms(b.id()).contains("r3"),
          "both to join r3");

      // remote disconnect
      one.io().in(b.id()).disconnectSockets(false);
      assertThat(JavaClient.get(b.disconnected, "b disconnected"))
          .isEqualTo("io server disconnect");
      assertThat(a.disconnected).isNotDone();
    }
  }

  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void serverSideEmitAndBroadcastAcks(boolean sharded) throws Exception {
    List<JsonArray> heard = new CopyOnWriteArrayList<>();
    ClusterNode[] nodes =
        pair(
            options(sharded),
            false,
            io -> {
              io.sockets().onServerSideEmit("hello", heard::add);
              io.sockets()
                  .onServerSideEmitWithAck(
                      "ask", (args, reply) -> reply.accept("pong-" + args.getValue(1)));
            });
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "question");
        JavaClient b = JavaClient.connect(two.url(), "question")) {
      one.io().sockets().serverSideEmit("hello", "world", 42);
      until(() -> heard.size() == 1, "the other node to hear hello");
      assertThat(heard.get(0).getList()).containsExactly("hello", "world", 42);

      List<JsonArray> answers =
          one.io()
              .sockets()
              .serverSideEmitWithAck(3_000, "ask", 7)
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(answers).hasSize(1);
      assertThat(answers.get(0).getValue(0)).isEqualTo("pong-7");

      List<JsonArray> acks =
          one.io()
              .sockets()
              .timeout(3_000)
              .emitWithAck("question", "q?")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(acks).hasSize(2);
      assertThat(acks)
          .allSatisfy(ack -> assertThat(ack.getValue(0)).isEqualTo("ack-from-question"));
      assertThat(heard).hasSize(1); // own events are not heard by the sender
    }
  }

  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void garbageOnTheChannelsIsDroppedAndDeliveryGoesOn(boolean sharded) throws Exception {
    RedisAdapterOptions options = options(sharded);
    ClusterNode[] nodes = pair(options, false, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      a.call("join", "r1");
      b.call("join", "r1");
      awaitRoomChannel(one, options, "r1", 2);
      io.vertx.redis.client.Redis redis =
          io.vertx.redis.client.Redis.createClient(one.server.vertx(), REDIS_URL);
      try {
        String key = options.key();
        java.util.List<String> channels =
            java.util.List.of(
                key + "#/#", key + "#/#r1#", key + "-request#/#", key + "-response#/#");
        java.util.List<byte[]> garbage =
            java.util.List.of(
                new byte[] {(byte) 0xc1},
                "{not json".getBytes(),
                new byte[] {(byte) 0x93, (byte) 0xa1, 'x', (byte) 0xc0},
                new byte[] {(byte) 0xdd, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                "{\"type\":7,\"requestId\":\"x\",\"packet\":5}".getBytes(),
                "{\"uid\":\"z\",\"type\":3,\"data\":null}".getBytes());
        for (String channel : channels) {
          for (byte[] bytes : garbage) {
            redis
                .send(
                    io.vertx.redis.client.Request.cmd(
                            sharded
                                ? io.vertx.redis.client.Command.SPUBLISH
                                : io.vertx.redis.client.Command.PUBLISH)
                        .arg(channel)
                        .arg(io.vertx.core.buffer.Buffer.buffer(bytes)))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
          }
        }
      } finally {
        redis.close();
      }
      a.call("to-room", "r1", "still here");
      assertThat(b.next("room-msg")).containsExactly("still here");
      assertThat(a.next("room-msg")).containsExactly("still here");
      assertThat(b.poll("room-msg", 300)).isNull();
    }
  }

  @ParameterizedTest(name = "sharded={0}")
  @ValueSource(booleans = {false, true})
  void recoveryOffsetsStayOnTheirNode(boolean sharded) throws Exception {
    RedisAdapterOptions options = options(sharded);
    ClusterNode[] nodes = pair(options, true, io -> {});
    try (ClusterNode one = nodes[0];
        ClusterNode two = nodes[1];
        JavaClient a = JavaClient.connect(one.url(), "room-msg");
        JavaClient b = JavaClient.connect(two.url(), "room-msg")) {
      a.call("join", "r1");
      b.call("join", "r1");
      awaitRoomChannel(one, options, "r1", 2);
      a.call("to-room", "r1", "x");
      // each node appends its own offset (the Java client hands it over as an extra argument): one,
      // not two
      assertThat(a.next("room-msg")).hasSize(2);
      Object[] got = b.next("room-msg");
      assertThat(got).hasSize(2);
      assertThat(got[0]).isEqualTo("x");
      assertThat(one.redis.isUp()).isTrue();
      assertThat(two.redis.isUp()).isTrue();
    }
  }
}
