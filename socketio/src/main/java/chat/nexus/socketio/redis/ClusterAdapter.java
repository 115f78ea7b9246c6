package chat.nexus.socketio.redis;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * What the classic and the sharded Redis adapters share: the local halves of the cluster operations
 * (the in-memory adapter's), the bookkeeping of requests waiting for other nodes, and the link.
 */
abstract class ClusterAdapter extends InMemoryAdapter {

  static final System.Logger LOG = System.getLogger(ClusterAdapter.class.getName());

  /** A request waiting for other nodes' answers; called with each answer, and once on timeout. */
  interface PendingRequest {
    void onResponse(JsonObject response);

    void onTimeout();
  }

  final RedisLink link;
  final RedisAdapterOptions options;
  final ConcurrentHashMap<String, PendingRequest> pending = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, AckCollector> ackRequests = new ConcurrentHashMap<>();
  volatile int lastServerCount = 1;

  ClusterAdapter(Namespace namespace, RedisLink link, RedisAdapterOptions options) {
    super(namespace);
    this.link = link;
    this.options = options;
  }

  /** The last count of nodes seen; asks Redis again in the background for the next call. */
  @Override
  public int serverCount() {
    countNodes();
    return lastServerCount;
  }

  /** How many nodes listen on this namespace now (this one included), from Redis. */
  abstract Future<Integer> countNodes();

  /** Registers a request with its timeout; false when too many are waiting already. */
  boolean register(String requestId, PendingRequest request, long timeoutMs) {
    if (pending.size() >= options.maxPendingRequests()) {
      return false;
    }
    pending.put(requestId, request);
    namespace().server().vertx().setTimer(timeoutMs, t -> {
      PendingRequest expired = pending.remove(requestId);
      if (expired != null) {
        expired.onTimeout();
      }
    });
    return true;
  }

  /** Delivers a broadcast from another node to this node's sockets: encoded once, written to each. */
  void deliverLocally(Packet packet, BroadcastOptions options) {
    super.broadcast(packet, options);
  }

  void addLocally(BroadcastOptions options, Set<String> rooms) {
    super.addSockets(options, rooms);
  }

  void delLocally(BroadcastOptions options, Set<String> rooms) {
    super.delSockets(options, rooms);
  }

  void disconnectLocally(BroadcastOptions options, boolean close) {
    super.disconnectSockets(options, close);
  }

  List<RemoteSocket> fetchLocally(BroadcastOptions options) {
    List<RemoteSocket> found = new ArrayList<>();
    forEachRecipient(options, found::add);
    return found;
  }

  JsonArray localSocketsJson(BroadcastOptions options) {
    JsonArray sockets = new JsonArray();
    forEachRecipient(options, socket -> sockets.add(Wire.socket(socket)));
    return sockets;
  }

  /**
   * The local half of a broadcast with acks: tells how many clients it reaches, then hands over each
   * client's ack. The packet gets an ack id of this namespace; it is encoded once.
   */
  void broadcastWithAckLocally(Packet packet, BroadcastOptions options, IntConsumer clientCount, Consumer<JsonArray> ack) {
    List<Socket> recipients = new ArrayList<>();
    forEachRecipient(options, recipients::add);
    clientCount.accept(recipients.size());
    if (recipients.isEmpty()) {
      return;
    }
    Packet withId = new Packet(PacketType.EVENT, namespace().name(), packet.data(), namespace().nextAckId());
    List<OutFrame> frames = namespace().encode(withId);
    for (Socket socket : recipients) {
      Promise<JsonArray> promise = Promise.promise();
      promise.future().onSuccess(ack::accept);
      socket.sendWithAck(frames, withId.id(), promise);
    }
  }

  /** Answers a server-side event from another node, locally. */
  void receiveServerSideEmit(JsonArray data, Consumer<Object> reply) {
    namespace().receiveServerSideEmit(data, reply);
  }

  static void warnDropped(String what, Throwable e) {
    LOG.log(Level.DEBUG, () -> "Redis adapter: " + what + " not published: " + e.getMessage());
  }
}
