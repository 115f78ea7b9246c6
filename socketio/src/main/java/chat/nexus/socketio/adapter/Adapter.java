package chat.nexus.socketio.adapter;

import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Set;

/**
 * Keeps a namespace's rooms and delivers its broadcasts: in this process ({@link InMemoryAdapter},
 * or {@link SessionAwareAdapter} when disconnected sessions are kept for recovery) or across a
 * cluster (an adapter that forwards to the other nodes and delivers on this one through an
 * in-memory adapter). It reaches this node's sockets as {@link Recipient}s. One adapter per
 * namespace. Methods may be called from any event loop.
 */
public interface Adapter {

  /** Called once when the namespace is created; a cluster adapter subscribes here. */
  default Future<Void> init() {
    return Future.succeededFuture();
  }

  /** Called when the server closes. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  void addAll(String socketId, Set<String> rooms);

  void del(String socketId, String room);

  void delAll(String socketId);

  /** The rooms of a socket on this node, its own id included. */
  Set<String> socketRooms(String socketId);

  /**
   * Whether a socket of this node is in the room (its own id counts), without copying its rooms.
   */
  default boolean isIn(String socketId, String room) {
    return socketRooms(socketId).contains(room);
  }

  /** The ids of this node's sockets in any of these rooms (all of them when empty). */
  Set<String> sockets(Set<String> rooms);

  /** Names of the rooms that have sockets on this node (socket-id rooms excluded). */
  Set<String> rooms();

  /** Delivers a packet, encoded once, to every matching socket. */
  void broadcast(Packet packet, BroadcastOptions options);

  /** Broadcasts with an ack id and collects the acks that arrive within the timeout. */
  Future<List<JsonArray>> broadcastWithAck(Packet packet, BroadcastOptions options, long timeoutMs);

  /** The sockets the options reach: this node's, and with a cluster adapter the other nodes'. */
  Future<FetchedSockets> fetchSockets(BroadcastOptions options);

  void addSockets(BroadcastOptions options, Set<String> rooms);

  void delSockets(BroadcastOptions options, Set<String> rooms);

  void disconnectSockets(BroadcastOptions options, boolean close);

  /**
   * Sends an event to the other nodes of the cluster ({@code args} = [event, ...]); a single node
   * has none, so the in-memory adapter answers with no responses. With {@code timeoutMs} 0 no
   * answer is asked for (the future completes with none); otherwise it completes with each node's
   * answer, or fails with a TimeoutException.
   */
  Future<List<JsonArray>> serverSideEmit(JsonArray args, long timeoutMs);

  /** How many nodes share this namespace. */
  default int serverCount() {
    return 1;
  }

  /** Packets handed to this node's sockets so far (one per recipient), for metrics. */
  default long deliveries() {
    return 0;
  }

  /** Keeps a disconnected socket's session for recovery; adapters without recovery drop it. */
  void persistSession(PersistedSession session);

  /**
   * The session for a private id, with the packets missed since {@code offset}; null when it
   * expired, is unknown, or the offset is too old, and always with an adapter without recovery.
   */
  Future<PersistedSession> restoreSession(String pid, String offset);
}
