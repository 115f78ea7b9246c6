package chat.nexus.socketio.adapter;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.parser.Packet;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The single-node adapter: rooms in concurrent maps, broadcasts encoded once and handed to each
 * event loop in one task. It keeps no disconnected sessions ({@link SessionAwareAdapter} does).
 * Cluster adapters deliver on this node through one, calling {@link #broadcast} for packets from
 * other nodes.
 */
public class InMemoryAdapter implements Adapter {

  /**
   * Told when a room gets its first socket on this node (socket-id rooms never are) and when its
   * last one left. A cluster adapter that listens per room subscribes here. Runs on the thread that
   * joined or left; must not block.
   */
  public interface RoomListener {
    RoomListener NONE =
        new RoomListener() {
          @Override
          public void roomCreated(String room) {}

          @Override
          public void roomDeleted(String room) {}
        };

    void roomCreated(String room);

    void roomDeleted(String room);
  }

  /**
   * From this many recipients on, a broadcast's frames get one shared off-heap copy instead of one
   * copy per socket; below it, the allocation would cost more than the copies it saves.
   */
  static final int SHARED_FRAME_MIN_RECIPIENTS = 8;

  private final LocalSockets namespace;
  private final Vertx vertx;
  private final ConcurrentHashMap<String, Set<String>> rooms = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> socketRooms = new ConcurrentHashMap<>();

  /** The most recipients an event loop's list is made for before it grows. */
  private static final int MAX_PRESIZED_RECIPIENTS = 1_024;

  private final LongAdder deliveries = new LongAdder();
  private volatile RoomListener roomListener = RoomListener.NONE;

  /**
   * @param namespace the namespace's sockets on this node
   * @param vertx for the timers of broadcasts with acks
   */
  public InMemoryAdapter(LocalSockets namespace, Vertx vertx) {
    this.namespace = namespace;
    this.vertx = vertx;
  }

  /** Sets the one listener of room creations and deletions; set it before sockets join. */
  public void roomListener(RoomListener listener) {
    this.roomListener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public void addAll(String socketId, Set<String> roomsToJoin) {
    for (String room : roomsToJoin) {
      if (room.equals(socketId)) {
        continue; // a socket's own room is implicit: see sockets()
      }
      boolean[] created = {false};
      rooms
          .computeIfAbsent(
              room,
              r -> {
                created[0] = true;
                return ConcurrentHashMap.newKeySet();
              })
          .add(socketId);
      socketRooms.compute(socketId, (id, current) -> with(current, room));
      if (created[0]) {
        roomListener.roomCreated(room);
      }
    }
  }

  @Override
  public void del(String socketId, String room) {
    removeMember(room, socketId);
    socketRooms.computeIfPresent(socketId, (id, current) -> without(current, room));
  }

  private void removeMember(String room, String socketId) {
    boolean[] deleted = {false};
    rooms.computeIfPresent(
        room,
        (r, members) -> {
          members.remove(socketId);
          deleted[0] = members.isEmpty();
          return deleted[0] ? null : members;
        });
    if (deleted[0]) {
      roomListener.roomDeleted(room);
    }
  }

  @Override
  public void delAll(String socketId) {
    Set<String> joined = socketRooms.remove(socketId);
    if (joined == null) {
      return;
    }
    for (String room : joined) {
      removeMember(room, socketId);
    }
  }

  @Override
  public Set<String> socketRooms(String socketId) {
    Set<String> joined = socketRooms.getOrDefault(socketId, Set.of());
    Set<String> all = new HashSet<>(joined.size() + 1);
    if (namespace.socket(socketId) != null) {
      all.add(socketId);
    }
    all.addAll(joined);
    return all;
  }

  @Override
  public boolean isIn(String socketId, String room) {
    if (room.equals(socketId)) {
      return namespace.socket(socketId) != null;
    }
    return socketRooms.getOrDefault(socketId, Set.of()).contains(room);
  }

  @Override
  public Set<String> sockets(Set<String> inRooms) {
    Set<String> ids = new HashSet<>();
    forEachRecipient(
        new BroadcastOptions(inRooms, Set.of(), true, false), socket -> ids.add(socket.id()));
    return ids;
  }

  @Override
  public Set<String> rooms() {
    return Collections.unmodifiableSet(rooms.keySet());
  }

  /**
   * Delivers a packet to this node's sockets that the options reach, encoded once, and not at all
   * when none is reached (an event for the user's other tabs when there are none).
   */
  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    deliver(packet, options);
  }

  /**
   * Delivers the packet to this node's matching sockets: one task per event loop, each writing the
   * same frames to its sockets.
   */
  private void deliver(Packet packet, BroadcastOptions options) {
    Map<EventExecutor, List<Recipient>> byLoop = new IdentityHashMap<>(4);
    // Sized for the room at once (grown from ten, a list of a hundred is copied five times at every
    // broadcast), up to a bound: each event loop gets a list, and a room can be large.
    int expected = Math.min(expectedRecipients(options), MAX_PRESIZED_RECIPIENTS);
    int[] count = {0};
    forEachRecipient(
        options,
        socket -> {
          byLoop.computeIfAbsent(socket.writeLoop(), l -> new ArrayList<>(expected)).add(socket);
          count[0]++;
        });
    deliveries.add(count[0]);
    if (count[0] == 0) {
      return;
    }
    List<OutFrame> frames = PacketFrames.of(packet);
    for (OutFrame frame : frames) {
      frame.webSocketFrame(); // encode once here, not once per thread
      if (count[0] >= SHARED_FRAME_MIN_RECIPIENTS) {
        frame.shareOffHeap();
      }
    }
    boolean volatileOnly = options.volatileOnly();
    for (Map.Entry<EventExecutor, List<Recipient>> entry : byLoop.entrySet()) {
      EventExecutor loop = entry.getKey();
      List<Recipient> sockets = entry.getValue();
      Runnable write =
          () -> {
            for (Recipient socket : sockets) {
              if (!volatileOnly || socket.isWritable()) {
                socket.sendFrames(frames);
              }
            }
          };
      if (loop.inEventLoop()) {
        write.run();
      } else {
        loop.execute(write);
      }
    }
  }

  @Override
  public long deliveries() {
    return deliveries.sum();
  }

  @Override
  public Future<List<JsonArray>> broadcastWithAck(
      Packet packet, BroadcastOptions options, long timeoutMs) {
    List<Recipient> recipients = new ArrayList<>();
    forEachRecipient(options, recipients::add);
    Promise<List<JsonArray>> promise = Promise.promise();
    if (recipients.isEmpty()) {
      promise.complete(List.of());
      return promise.future();
    }
    List<OutFrame> frames = PacketFrames.of(packet);
    List<JsonArray> responses = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger remaining = new AtomicInteger(recipients.size());
    long timer =
        vertx.setTimer(
            timeoutMs, t -> promise.tryFail(new TimeoutException("operation has timed out")));
    for (Recipient socket : recipients) {
      Promise<JsonArray> ack = Promise.promise();
      ack.future()
          .onSuccess(
              response -> {
                responses.add(response);
                if (remaining.decrementAndGet() == 0) {
                  vertx.cancelTimer(timer);
                  promise.tryComplete(new ArrayList<>(responses));
                }
              });
      socket.sendWithAck(frames, packet.id(), ack);
    }
    return promise.future();
  }

  @Override
  public Future<FetchedSockets> fetchSockets(BroadcastOptions options) {
    List<Recipient> found = new ArrayList<>();
    forEachRecipient(options, found::add);
    return Future.succeededFuture(new FetchedSockets(found, List.of()));
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> roomsToJoin) {
    forEachRecipient(options, socket -> addAll(socket.id(), roomsToJoin));
  }

  @Override
  public void delSockets(BroadcastOptions options, Set<String> roomsToLeave) {
    forEachRecipient(options, socket -> roomsToLeave.forEach(room -> del(socket.id(), room)));
  }

  @Override
  public void disconnectSockets(BroadcastOptions options, boolean close) {
    List<Recipient> targets = new ArrayList<>();
    forEachRecipient(options, targets::add);
    targets.forEach(socket -> socket.disconnect(close));
  }

  @Override
  public Future<List<JsonArray>> serverSideEmit(JsonArray args, long timeoutMs) {
    return Future.succeededFuture(List.of());
  }

  /** Drops the session: this adapter keeps none. */
  @Override
  public void persistSession(PersistedSession session) {}

  /** None: this adapter keeps no sessions. */
  @Override
  public Future<PersistedSession> restoreSession(String pid, String offset) {
    return Future.succeededFuture();
  }

  /** At least as many as {@link #forEachRecipient} will find (before exclusions). */
  private int expectedRecipients(BroadcastOptions options) {
    if (options.rooms().isEmpty()) {
      return namespace.sockets().size();
    }
    int expected = 0;
    for (String room : options.rooms()) {
      Set<String> members = rooms.get(room);
      expected += members == null ? 1 : members.size() + 1;
    }
    return expected;
  }

  /** Calls the consumer once for each of this node's sockets that the options reach. */
  public void forEachRecipient(BroadcastOptions options, Consumer<Recipient> consumer) {
    Set<String> excluded = excludedIds(options.except());
    if (options.rooms().isEmpty()) {
      for (Recipient socket : namespace.sockets().values()) {
        if (!excluded.contains(socket.id())) {
          consumer.accept(socket);
        }
      }
      return;
    }
    Set<String> seen = options.rooms().size() > 1 ? new HashSet<>() : null;
    for (String room : options.rooms()) {
      Recipient own = namespace.socket(room);
      if (own != null && !excluded.contains(own.id()) && (seen == null || seen.add(own.id()))) {
        consumer.accept(own);
      }
      Set<String> members = rooms.get(room);
      if (members == null) {
        continue;
      }
      for (String id : members) {
        if (excluded.contains(id) || (seen != null && !seen.add(id))) {
          continue;
        }
        Recipient socket = namespace.socket(id);
        if (socket != null) {
          consumer.accept(socket);
        }
      }
    }
  }

  private Set<String> excludedIds(Set<String> except) {
    Set<String> ids = null;
    for (String room : except) {
      Set<String> members = rooms.get(room);
      if (members != null) {
        if (ids == null) {
          ids = new HashSet<>(except);
        }
        ids.addAll(members);
      }
    }
    // A socket's own room is its id, so the rooms themselves stand for those sockets; a name that
    // is no socket's id matches no socket.
    return ids == null ? except : ids;
  }

  private static Set<String> with(Set<String> current, String room) {
    if (current == null) {
      return Set.of(room);
    }
    if (current.contains(room)) {
      return current;
    }
    Set<String> copy = new HashSet<>(current);
    copy.add(room);
    return Set.copyOf(copy);
  }

  private static Set<String> without(Set<String> current, String room) {
    if (!current.contains(room)) {
      return current;
    }
    Set<String> copy = new HashSet<>(current);
    copy.remove(room);
    return copy.isEmpty() ? null : Set.copyOf(copy);
  }
}
