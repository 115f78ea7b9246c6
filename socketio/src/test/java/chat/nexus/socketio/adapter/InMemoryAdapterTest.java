package chat.nexus.socketio.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rooms and deliveries of the single-node adapter, with fake sockets: no server, no network. */
class InMemoryAdapterTest {

  private static Vertx vertx;

  private final FakeNamespace namespace = new FakeNamespace();
  private final InMemoryAdapter adapter = new InMemoryAdapter(namespace, vertx);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void roomsFollowJoinsAndLeavesAndTellTheirListener() {
    List<String> changes = new ArrayList<>();
    adapter.roomListener(
        new InMemoryAdapter.RoomListener() {
          @Override
          public void roomCreated(String room) {
            changes.add("+" + room);
          }

          @Override
          public void roomDeleted(String room) {
            changes.add("-" + room);
          }
        });
    namespace.connect("a");
    namespace.connect("b");

    adapter.addAll("a", Set.of("a", "r1"));
    adapter.addAll("a", Set.of("r2"));
    adapter.addAll("b", Set.of("r1"));

    assertThat(adapter.rooms()).containsExactlyInAnyOrder("r1", "r2");
    assertThat(adapter.socketRooms("a")).containsExactlyInAnyOrder("a", "r1", "r2");
    assertThat(adapter.isIn("a", "r2")).isTrue();
    assertThat(adapter.isIn("a", "a")).isTrue();
    assertThat(adapter.isIn("b", "r2")).isFalse();
    assertThat(adapter.isIn("b", "a")).isFalse();
    assertThat(adapter.sockets(Set.of("r1"))).containsExactlyInAnyOrder("a", "b");
    assertThat(adapter.sockets(Set.of("b"))).containsExactly("b");
    assertThat(adapter.sockets(Set.of())).containsExactlyInAnyOrder("a", "b");

    adapter.del("a", "r2");
    assertThat(adapter.isIn("a", "r2")).isFalse();
    adapter.delAll("b");
    assertThat(adapter.rooms()).containsExactly("r1");
    adapter.delAll("a");
    assertThat(adapter.rooms()).isEmpty();
    assertThat(adapter.socketRooms("a")).containsExactly("a");
    assertThat(changes).containsExactly("+r1", "+r2", "-r2", "-r1");
  }

  @Test
  void aBroadcastIsEncodedOnceAndTheSameFramesReachEverySocket() {
    List<FakeRecipient> sockets = List.of(connect("a"), connect("b"), connect("c"));

    adapter.broadcast(event("hello", "world"), BroadcastOptions.ALL);

    for (FakeRecipient socket : sockets) {
      assertThat(socket.packets()).containsExactly("2[\"hello\",\"world\"]");
      assertThat(socket.writes.get(0)).isSameAs(sockets.get(0).writes.get(0));
    }
    assertThat(adapter.deliveries()).isEqualTo(3);
  }

  @Test
  void roomsAndExceptionsChooseTheRecipientsAndEachGetsOneCopy() {
    FakeRecipient a = connect("a", "r1", "r2");
    FakeRecipient b = connect("b", "r1");
    FakeRecipient c = connect("c", "r2", "muted");
    FakeRecipient d = connect("d");

    adapter.broadcast(event("both"), BroadcastOptions.toRooms(Set.of("r1", "r2")));
    adapter.broadcast(
        event("r1-but-b"), new BroadcastOptions(Set.of("r1"), Set.of("b"), false, false));
    adapter.broadcast(event("to-d"), BroadcastOptions.toRooms(Set.of("d")));
    adapter.broadcast(
        event("not-muted"), new BroadcastOptions(Set.of(), Set.of("muted"), false, false));
    adapter.broadcast(
        event("not-b-muted-or-nobody"),
        new BroadcastOptions(Set.of(), Set.of("b", "muted", "nobody"), false, false));

    assertThat(names(a)).containsExactly("both", "r1-but-b", "not-muted", "not-b-muted-or-nobody");
    assertThat(names(b)).containsExactly("both", "not-muted");
    assertThat(names(c)).containsExactly("both");
    assertThat(names(d)).containsExactly("to-d", "not-muted", "not-b-muted-or-nobody");
    assertThat(adapter.deliveries()).isEqualTo(3 + 1 + 1 + 3 + 2);
  }

  @Test
  void aVolatileBroadcastSkipsSocketsThatCannotTakeItNow() {
    FakeRecipient ready = connect("ready");
    FakeRecipient busy = connect("busy");
    busy.writable = false;

    adapter.broadcast(event("typing"), new BroadcastOptions(Set.of(), Set.of(), false, true));
    adapter.broadcast(event("message"), BroadcastOptions.ALL);

    assertThat(names(ready)).containsExactly("typing", "message");
    assertThat(names(busy)).containsExactly("message");
  }

  @Test
  void eachEventLoopGetsOneTaskThatWritesToItsSockets() throws Exception {
    CountingLoop one = new CountingLoop();
    CountingLoop two = new CountingLoop();
    try {
      List<FakeRecipient> sockets = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        sockets.add(namespace.connect("s" + i, i % 2 == 0 ? one : two));
      }

      adapter.broadcast(event("fan-out"), BroadcastOptions.ALL);

      assertThat(one.tasks.get()).isEqualTo(1);
      assertThat(two.tasks.get()).isEqualTo(1);
      one.submit(() -> {}).get(5, TimeUnit.SECONDS); // the loops run their tasks in order
      two.submit(() -> {}).get(5, TimeUnit.SECONDS);
      for (FakeRecipient socket : sockets) {
        assertThat(names(socket)).containsExactly("fan-out");
        assertThat(socket.writesOnLoop).containsExactly(true);
      }
    } finally {
      one.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      two.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBroadcastWithAcksCollectsOneAnswerPerSocket() throws Exception {
    FakeRecipient a = connect("a", "room");
    FakeRecipient b = connect("b", "room");
    connect("elsewhere");

    Future<List<JsonArray>> answers =
        adapter.broadcastWithAck(
            new Packet(PacketType.EVENT, "/", Packet.eventData("ping", new Object[0]), 7),
            BroadcastOptions.toRooms(Set.of("room")),
            5_000);
    assertThat(a.packets()).containsExactly("27[\"ping\"]");
    assertThat(b.writes.get(0)).isSameAs(a.writes.get(0));
    a.acks.get(7L).complete(new JsonArray().add("pong a"));
    assertThat(answers.isComplete()).isFalse();
    b.acks.get(7L).complete(new JsonArray().add("pong b"));

    assertThat(await(answers))
        .containsExactlyInAnyOrder(new JsonArray().add("pong a"), new JsonArray().add("pong b"));
  }

  @Test
  void aBroadcastWithAcksThatReachesNobodyIsDoneAtOnce() throws Exception {
    Future<List<JsonArray>> answers =
        adapter.broadcastWithAck(
            new Packet(PacketType.EVENT, "/", Packet.eventData("ping", new Object[0]), 1),
            BroadcastOptions.toRooms(Set.of("empty")),
            5_000);

    assertThat(await(answers)).isEmpty();
  }

  @Test
  void aBroadcastWithAcksFailsWhenSomeSocketDoesNotAnswerInTime() {
    FakeRecipient answers = connect("answers");
    connect("silent");

    Future<List<JsonArray>> all =
        adapter.broadcastWithAck(
            new Packet(PacketType.EVENT, "/", Packet.eventData("ping", new Object[0]), 3),
            BroadcastOptions.ALL,
            50);
    answers.acks.get(3L).complete(new JsonArray().add("pong"));

    assertThatThrownBy(() -> await(all))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void fetchJoinLeaveAndDisconnectApplyToTheSocketsReached() throws Exception {
    FakeRecipient a = connect("a", "r1");
    FakeRecipient b = connect("b", "r1");
    FakeRecipient c = connect("c");
    BroadcastOptions r1 = BroadcastOptions.toRooms(Set.of("r1"));

    FetchedSockets found = await(adapter.fetchSockets(r1));
    assertThat(found.local()).containsExactlyInAnyOrder(a, b);
    assertThat(found.remote()).isEmpty();

    adapter.addSockets(r1, Set.of("r9", "r8"));
    assertThat(adapter.sockets(Set.of("r9"))).containsExactlyInAnyOrder("a", "b");
    adapter.delSockets(BroadcastOptions.toRooms(Set.of("a")), Set.of("r9", "r1"));
    assertThat(adapter.socketRooms("a")).containsExactlyInAnyOrder("a", "r8");

    adapter.disconnectSockets(BroadcastOptions.toRooms(Set.of("r9")), true);
    assertThat(a.disconnectedWithClose).isNull();
    assertThat(b.disconnectedWithClose).isTrue();
    assertThat(c.disconnectedWithClose).isNull();
  }

  @Test
  void aSingleNodeKeepsNoSessionAndHasNoOtherNodeToAsk() throws Exception {
    connect("a", "room");
    adapter.persistSession(new PersistedSession("a", "pid", Set.of("room"), null, List.of()));

    assertThat(await(adapter.restoreSession("pid", "1"))).isNull();
    assertThat(await(adapter.serverSideEmit(new JsonArray().add("hello"), 1_000))).isEmpty();
    assertThat(adapter.serverCount()).isOne();
  }

  @Test
  void aSocketThatLeftTheNamespaceIsNoLongerReached() {
    FakeRecipient gone = connect("gone", "room");
    FakeRecipient stays = connect("stays", "room");
    namespace.disconnect("gone");

    adapter.broadcast(event("after"), BroadcastOptions.toRooms(Set.of("room")));

    assertThat(gone.writes).isEmpty();
    assertThat(names(stays)).containsExactly("after");
  }

  private FakeRecipient connect(String id, String... rooms) {
    FakeRecipient socket = namespace.connect(id);
    adapter.addAll(id, Set.of(rooms));
    return socket;
  }

  static Packet event(String name, Object... args) {
    return Packet.of(PacketType.EVENT, "/", Packet.eventData(name, args));
  }

  private static List<String> names(FakeRecipient socket) {
    return socket.events().stream().map(args -> args.getString(0)).toList();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** An event loop (Netty's DefaultEventExecutor, which is final) that counts its tasks. */
  private static final class CountingLoop extends SingleThreadEventExecutor {
    final AtomicInteger tasks = new AtomicInteger();

    CountingLoop() {
      super(null, new DefaultThreadFactory(CountingLoop.class), true);
    }

    @Override
    public void execute(Runnable task) {
      tasks.incrementAndGet();
      super.execute(task);
    }

    @Override
    protected void run() {
      do {
        Runnable task = takeTask();
        if (task != null) {
          runTask(task);
        }
      } while (!confirmShutdown());
    }
  }
}
