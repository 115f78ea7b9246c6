package chat.nexus.socketio.adapter;

import static chat.nexus.socketio.adapter.InMemoryAdapterTest.await;
import static chat.nexus.socketio.adapter.InMemoryAdapterTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery in the session-aware adapter, with fake sockets and a clock of the
 * test's own: offsets, the replay of missed packets, and expiry.
 */
class SessionAwareAdapterTest {

  private static final long KEEP_MS = 1_000;

  private static Vertx vertx;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final FakeNamespace namespace = new FakeNamespace();
  private final SessionAwareAdapter adapter =
      new SessionAwareAdapter(namespace, vertx, KEEP_MS, 1_000_000, now::get);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void anEventGetsItsOffsetAsLastArgumentAndTheCallersArrayIsLeftAlone() {
    FakeRecipient socket = namespace.connect("a");
    Packet packet = event("msg", "hi");

    adapter.broadcast(packet, BroadcastOptions.ALL);
    adapter.broadcast(event("msg", "again"), BroadcastOptions.ALL);

    List<JsonArray> received = socket.events();
    assertThat(received.get(0).getList()).hasSize(3).startsWith("msg", "hi");
    assertThat(received.get(1).getString(2)).isNotEqualTo(received.get(0).getString(2));
    assertThat(((JsonArray) packet.data()).getList()).containsExactly("msg", "hi");
  }

  @Test
  void packetsWithAckIdsVolatileOnesAndOtherTypesGetNoOffset() {
    FakeRecipient socket = namespace.connect("a");

    adapter.broadcast(
        new Packet(PacketType.EVENT, "/", Packet.eventData("with-ack", new Object[0]), 4),
        BroadcastOptions.ALL);
    adapter.broadcast(event("typing"), new BroadcastOptions(Set.of(), Set.of(), false, true));
    adapter.broadcast(Packet.of(PacketType.DISCONNECT, "/", null), BroadcastOptions.ALL);

    assertThat(socket.packets()).containsExactly("24[\"with-ack\"]", "2[\"typing\"]", "1");
  }

  @Test
  void aRecoveredSessionGetsTheEventsThatReachedItsRoomsSinceItsOffset() throws Exception {
    FakeRecipient socket = namespace.connect("sid");
    adapter.addAll("sid", Set.of("r1"));
    adapter.broadcast(event("before"), BroadcastOptions.ALL);
    String offset = socket.events().get(0).getString(1);
    adapter.persistSession(
        new PersistedSession("sid", "pid", Set.of("sid", "r1"), Map.of("user", 7), List.of()));
    adapter.delAll("sid");
    namespace.disconnect("sid");

    adapter.broadcast(event("to-r1"), BroadcastOptions.toRooms(Set.of("r1")));
    adapter.broadcast(event("to-r2"), BroadcastOptions.toRooms(Set.of("r2")));
    adapter.broadcast(event("to-sid"), BroadcastOptions.toRooms(Set.of("sid")));
    adapter.broadcast(event("not-r1"), new BroadcastOptions(Set.of(), Set.of("r1"), false, false));
    adapter.broadcast(event("all"), BroadcastOptions.ALL);

    PersistedSession restored = await(adapter.restoreSession("pid", offset));
    assertThat(restored.sid()).isEqualTo("sid");
    assertThat(restored.rooms()).containsExactlyInAnyOrder("sid", "r1");
    assertThat(restored.data()).containsEntry("user", 7);
    assertThat(restored.missedPackets())
        .extracting(args -> args.getString(0))
        .containsExactly("to-r1", "to-sid", "all");
    assertThat(restored.missedPackets()).allSatisfy(args -> assertThat(args.size()).isEqualTo(2));
    assertThat(await(adapter.restoreSession("pid", offset))).as("taken once").isNull();
  }

  @Test
  void anUnknownSessionOrOffsetRecoversNothing() throws Exception {
    FakeRecipient socket = namespace.connect("sid");
    adapter.broadcast(event("before"), BroadcastOptions.ALL);
    String offset = socket.events().get(0).getString(1);
    adapter.persistSession(new PersistedSession("sid", "pid", Set.of("sid"), Map.of(), List.of()));

    assertThat(await(adapter.restoreSession("other", offset))).isNull();
    assertThat(await(adapter.restoreSession("pid", "no-such-offset"))).isNull();
  }

  @Test
  void aSessionIsKeptForTheDisconnectionDurationOnly() throws Exception {
    FakeRecipient socket = namespace.connect("sid");
    adapter.broadcast(event("before"), BroadcastOptions.ALL);
    String offset = socket.events().get(0).getString(1);
    adapter.persistSession(new PersistedSession("sid", "pid", Set.of("sid"), Map.of(), List.of()));
    adapter.persistSession(new PersistedSession("s2", "pid2", Set.of("s2"), Map.of(), List.of()));

    now.addAndGet(KEEP_MS);
    assertThat(await(adapter.restoreSession("pid", offset))).as("at the limit").isNotNull();
    now.addAndGet(1);
    assertThat(await(adapter.restoreSession("pid2", offset))).as("past it").isNull();
  }

  @Test
  void aSessionWhoseOffsetLeftTheLogIsNotRecovered() throws Exception {
    FakeRecipient socket = namespace.connect("sid");
    adapter.broadcast(event("old"), BroadcastOptions.ALL);
    String offset = socket.events().get(0).getString(1);
    now.addAndGet(KEEP_MS / 2);
    adapter.persistSession(new PersistedSession("sid", "pid", Set.of("sid"), Map.of(), List.of()));
    now.addAndGet(KEEP_MS / 2 + 1); // the packet is past the duration, the session is not

    assertThat(await(adapter.restoreSession("pid", offset))).isNull();
  }
}
