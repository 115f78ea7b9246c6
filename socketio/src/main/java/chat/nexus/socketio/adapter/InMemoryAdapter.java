package chat.nexus.socketio.adapter;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The single-node adapter: rooms in concurrent maps, broadcasts encoded once and handed to each
 * event loop in one task, and the packet log for connection state recovery. Cluster adapters extend
 * it and call {@link #broadcast} for their local deliveries.
 */
public class InMemoryAdapter implements Adapter {

  /**
   * From this many recipients on, a broadcast's frames get one shared off-heap copy instead of one
   * copy per socket; below it, the allocation would cost more than the copies it saves.
   */
  static final int SHARED_FRAME_MIN_RECIPIENTS = 8;

  private final Namespace namespace;
  private final ConcurrentHashMap<String, Set<String>> rooms = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> socketRooms = new ConcurrentHashMap<>();
  private final RecoveryLog recovery;
  private final java.util.concurrent.atomic.LongAdder deliveries =
      new java.util.concurrent.atomic.LongAdder();

  public InMemoryAdapter(Namespace namespace) {
    this.namespace = namespace;
    long keep = namespace.server().options().maxDisconnectionDurationMs();
    this.recovery =
        keep > 0 ? new RecoveryLog(keep, namespace.server().options().maxRecoveryLogBytes()) : null;
  }

  protected Namespace namespace() {
    return namespace;
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
        onRoomCreated(room);
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
      onRoomDeleted(room);
    }
  }

  /**
   * Called when a room gets its first socket on this node (socket-id rooms never are). A cluster
   * adapter that listens per room subscribes here. Runs on the thread that joined; must not block.
   */
  protected void onRoomCreated(String room) {}

  /** Called when the last socket of this node left a room. */
  protected void onRoomDeleted(String room) {}

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

  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    Packet toSend = recordForRecovery(packet, options);
    List<OutFrame> frames = namespace.encode(toSend);
    deliver(frames, options);
  }

  /**
   * Delivers encoded frames to this node's matching sockets: one task per event loop, each writing
   * the same frames to its sockets. Cluster adapters call this for packets that came from other
   * nodes.
   */
  protected void deliver(List<OutFrame> frames, BroadcastOptions options) {
    Map<EventLoop, List<Socket>> byLoop = new IdentityHashMap<>(4);
    int[] count = {0};
    forEachRecipient(
        options,
        socket -> {
          byLoop.computeIfAbsent(socket.writeLoop(), l -> new ArrayList<>()).add(socket);
          count[0]++;
        });
    deliveries.add(count[0]);
    for (OutFrame frame : frames) {
      frame.webSocketFrame(); // encode once here, not once per thread
      if (count[0] >= SHARED_FRAME_MIN_RECIPIENTS) {
        frame.shareOffHeap();
      }
    }
    boolean volatileOnly = options.volatileOnly();
    for (Map.Entry<EventLoop, List<Socket>> entry : byLoop.entrySet()) {
      EventLoop loop = entry.getKey();
      List<Socket> sockets = entry.getValue();
      Runnable write =
          () -> {
            for (Socket socket : sockets) {
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

  /** Packets handed to this node's sockets so far (one per recipient), for metrics. */
  public long deliveries() {
    return deliveries.sum();
  }

  @Override
  public Future<List<JsonArray>> broadcastWithAck(
      Packet packet, BroadcastOptions options, long timeoutMs) {
    List<Socket> recipients = new ArrayList<>();
    forEachRecipient(options, recipients::add);
    Promise<List<JsonArray>> promise = Promise.promise();
    if (recipients.isEmpty()) {
      promise.complete(List.of());
      return promise.future();
    }
    List<OutFrame> frames = namespace.encode(packet);
    List<JsonArray> responses = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger remaining = new AtomicInteger(recipients.size());
    long timer =
        namespace
            .server()
            .vertx()
            .setTimer(
                timeoutMs, t -> promise.tryFail(new TimeoutException("operation has timed out")));
    for (Socket socket : recipients) {
      Promise<JsonArray> ack = Promise.promise();
      ack.future()
          .onSuccess(
              response -> {
                responses.add(response);
                if (remaining.decrementAndGet() == 0) {
                  namespace.server().vertx().cancelTimer(timer);
                  promise.tryComplete(new ArrayList<>(responses));
                }
              });
      socket.sendWithAck(frames, packet.id(), ack);
    }
    return promise.future();
  }

  @Override
  public Future<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
    List<RemoteSocket> found = new ArrayList<>();
    forEachRecipient(options, found::add);
    return Future.succeededFuture(found);
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> roomsToJoin) {
    forEachRecipient(options, socket -> socket.join(roomsToJoin.toArray(String[]::new)));
  }

  @Override
  public void delSockets(BroadcastOptions options, Set<String> roomsToLeave) {
    forEachRecipient(options, socket -> roomsToLeave.forEach(socket::leave));
  }

  @Override
  public void disconnectSockets(BroadcastOptions options, boolean close) {
    List<Socket> targets = new ArrayList<>();
    forEachRecipient(options, targets::add);
    targets.forEach(socket -> socket.disconnect(close));
  }

  @Override
  public Future<List<JsonArray>> serverSideEmit(JsonArray args, long timeoutMs) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public void persistSession(PersistedSession session) {
    if (recovery != null) {
      recovery.persist(session);
    }
  }

  @Override
  public Future<PersistedSession> restoreSession(String pid, String offset) {
    return Future.succeededFuture(recovery != null ? recovery.restore(pid, offset) : null);
  }

  /**
   * With recovery on, gives an event packet its offset (appended as the last argument) and logs it.
   */
  protected Packet recordForRecovery(Packet packet, BroadcastOptions options) {
    if (recovery == null
        || packet.type() != PacketType.EVENT
        || packet.hasId()
        || options.volatileOnly()) {
      return packet;
    }
    // A shallow copy: the offset must not be appended to the caller's array, and the arguments
    // themselves are not changed by anyone once emitted.
    JsonArray data = new JsonArray(new ArrayList<>(((JsonArray) packet.data()).getList()));
    recovery.record(data, options);
    return new Packet(packet.type(), packet.namespace(), data, packet.id());
  }

  /** Calls the consumer once for each local socket the options reach. */
  protected void forEachRecipient(BroadcastOptions options, Consumer<Socket> consumer) {
    Set<String> excluded = excludedIds(options.except());
    if (options.rooms().isEmpty()) {
      for (Socket socket : namespace.sockets().values()) {
        if (!excluded.contains(socket.id())) {
          consumer.accept(socket);
        }
      }
      return;
    }
    Set<String> seen = options.rooms().size() > 1 ? new HashSet<>() : null;
    for (String room : options.rooms()) {
      Socket own = namespace.socket(room);
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
        Socket socket = namespace.socket(id);
        if (socket != null) {
          consumer.accept(socket);
        }
      }
    }
  }

  private Set<String> excludedIds(Set<String> except) {
    if (except.isEmpty()) {
      return Set.of();
    }
    Set<String> ids = new HashSet<>();
    for (String room : except) {
      if (namespace.socket(room) != null) {
        ids.add(room);
      }
      Set<String> members = rooms.get(room);
      if (members != null) {
        ids.addAll(members);
      }
    }
    return ids;
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
