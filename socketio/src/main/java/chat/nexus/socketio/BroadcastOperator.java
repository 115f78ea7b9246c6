package chat.nexus.socketio;

import chat.nexus.socketio.adapter.Adapter;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.FetchedSockets;
import chat.nexus.socketio.adapter.Recipient;
import chat.nexus.socketio.adapter.SocketDetails;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses who gets a broadcast ({@code to}, {@code except}, {@code local}, {@code asVolatile},
 * {@code timeout}) and hands it to the namespace's adapter. Immutable: each call returns a new
 * operator.
 */
public final class BroadcastOperator {

  private static final long NO_TIMEOUT = -1;

  private final Namespace namespace;
  private final Adapter adapter;
  private final Set<String> rooms;
  private final Set<String> except;
  private final boolean local;
  private final boolean volatileOnly;
  private final long timeoutMs;

  private BroadcastOperator(
      Namespace namespace,
      Adapter adapter,
      Set<String> rooms,
      Set<String> except,
      boolean local,
      boolean volatileOnly,
      long timeoutMs) {
    this.namespace = namespace;
    this.adapter = adapter;
    this.rooms = Set.copyOf(rooms);
    this.except = Set.copyOf(except);
    this.local = local;
    this.volatileOnly = volatileOnly;
    this.timeoutMs = timeoutMs;
  }

  static BroadcastOperator all(Namespace namespace) {
    return new BroadcastOperator(
        namespace, namespace.adapter(), Set.of(), Set.of(), false, false, NO_TIMEOUT);
  }

  /** Adds rooms to reach (a socket id counts as a room). */
  public BroadcastOperator to(String... more) {
    return new BroadcastOperator(
        namespace, adapter, union(rooms, more), except, local, volatileOnly, timeoutMs);
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String... more) {
    return to(more);
  }

  /** Skips the sockets in these rooms. */
  public BroadcastOperator except(String... more) {
    return new BroadcastOperator(
        namespace, adapter, rooms, union(except, more), local, volatileOnly, timeoutMs);
  }

  /** Only this node's sockets, even with a cluster adapter. */
  public BroadcastOperator local() {
    return new BroadcastOperator(namespace, adapter, rooms, except, true, volatileOnly, timeoutMs);
  }

  /** The packet may be dropped for clients that are not ready to receive it (typing indicators). */
  public BroadcastOperator asVolatile() {
    return new BroadcastOperator(namespace, adapter, rooms, except, local, true, timeoutMs);
  }

  /** How long {@link #emitWithAck} waits for every client's ack. */
  public BroadcastOperator timeout(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("timeout must be positive, got " + ms);
    }
    return new BroadcastOperator(namespace, adapter, rooms, except, local, volatileOnly, ms);
  }

  /** Sends the event to every socket reached; encoded once whatever the count. */
  public void emit(String event, Object... args) {
    Packet packet = Packet.of(PacketType.EVENT, namespace.name(), Packet.eventData(event, args));
    adapter.broadcast(packet, options());
  }

  /**
   * Sends the event and collects one ack per client; fails if some did not answer within the
   * timeout.
   */
  public Future<List<JsonArray>> emitWithAck(String event, Object... args) {
    if (timeoutMs == NO_TIMEOUT) {
      throw new IllegalStateException("set a timeout() before emitWithAck on a broadcast");
    }
    Packet packet =
        new Packet(
            PacketType.EVENT,
            namespace.name(),
            Packet.eventData(event, args),
            namespace.nextAckId());
    return adapter.broadcastWithAck(packet, options(), timeoutMs);
  }

  /** The sockets reached: this node's as they are, other nodes' as they described themselves. */
  public Future<List<RemoteSocket>> fetchSockets() {
    return adapter.fetchSockets(options()).map(this::remoteSockets);
  }

  public void socketsJoin(String... roomsToJoin) {
    adapter.addSockets(options(), Set.of(roomsToJoin));
  }

  public void socketsLeave(String... roomsToLeave) {
    adapter.delSockets(options(), Set.of(roomsToLeave));
  }

  public void disconnectSockets(boolean close) {
    adapter.disconnectSockets(options(), close);
  }

  private List<RemoteSocket> remoteSockets(FetchedSockets found) {
    List<RemoteSocket> sockets = new ArrayList<>(found.local().size() + found.remote().size());
    for (Recipient local : found.local()) {
      sockets.add((Socket) local); // a namespace's recipients are its sockets
    }
    for (SocketDetails remote : found.remote()) {
      sockets.add(new NodeSocket(namespace, remote));
    }
    return sockets;
  }

  BroadcastOptions options() {
    return new BroadcastOptions(rooms, except, local, volatileOnly);
  }

  /** An immutable union (the constructor's copy is then free: most sends name one room). */
  private static Set<String> union(Set<String> current, String[] more) {
    if (more.length == 0) {
      return current;
    }
    if (current.isEmpty() && more.length == 1) {
      return Set.of(more[0]);
    }
    Set<String> all = new HashSet<>(current);
    Collections.addAll(all, more);
    return Set.copyOf(all);
  }
}
