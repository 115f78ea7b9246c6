package chat.nexus.socketio.redis;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.Adapter;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.FetchedSockets;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.adapter.PacketFrames;
import chat.nexus.socketio.adapter.PersistedSession;
import chat.nexus.socketio.adapter.Recipient;
import chat.nexus.socketio.adapter.SocketDetails;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * What the classic and the sharded Redis adapters share: the cluster operations (publish to the
 * other nodes, apply locally at once, gather the answers through {@link NodeRequests}), the local
 * halves of what other nodes ask, and the link. This node's rooms, sockets, deliveries and recovery
 * sessions are those of the local adapter the options chose ({@code SocketIoOptions.localAdapter}).
 * A subclass says how the requests and answers look on the wire and on which channels they travel.
 */
abstract class ClusterAdapter implements Adapter {

  static final System.Logger LOG = System.getLogger(ClusterAdapter.class.getName());

  /** The operations a node asks the others to apply to their own sockets. */
  enum Operation {
    JOIN,
    LEAVE,
    DISCONNECT
  }

  private final Namespace namespace;
  final InMemoryAdapter local;
  final RedisLink link;
  final RedisAdapterOptions options;
  private final NodeRequests requests;
  final ConcurrentHashMap<String, AckCollector> ackRequests = new ConcurrentHashMap<>();
  volatile int lastServerCount = 1;

  ClusterAdapter(
      Namespace namespace, InMemoryAdapter local, RedisLink link, RedisAdapterOptions options) {
    this.namespace = namespace;
    this.local = local;
    this.link = link;
    this.options = options;
    this.requests = new NodeRequests(namespace.server().vertx(), options.maxPendingRequests());
  }

  Namespace namespace() {
    return namespace;
  }

  // ---- what differs: ids, wire encoding, channels ----

  /** A new request id, in the form the npm adapter uses. */
  abstract String newRequestId();

  /** The PUBSUB command that counts the nodes listening on this namespace (this one included). */
  abstract Request countNodesRequest();

  /** Publishes a broadcast to the other nodes; failures are logged, never thrown. */
  abstract void publishBroadcast(Packet packet, BroadcastOptions options);

  /**
   * Publishes a broadcast whose recipients on other nodes answer with acks under {@code requestId}.
   */
  abstract Future<Void> publishBroadcastWithAck(
      String requestId, Packet packet, BroadcastOptions options, long timeoutMs);

  /**
   * Asks the other nodes to apply an operation; {@code fields} holds its {@code rooms} or {@code
   * close}.
   */
  abstract void publishOperation(Operation operation, BroadcastOptions options, JsonObject fields);

  /** Asks the other nodes for their sockets; they answer under {@code requestId}. */
  abstract Future<Void> publishFetchSockets(String requestId, BroadcastOptions options);

  /** Publishes a server-side event; {@code requestId} is null when nobody waits for answers. */
  abstract Future<Void> publishServerSideEmit(JsonArray args, String requestId);

  /** The reply in another node's answer to a server-side event. */
  abstract Object serverSideEmitReply(JsonObject answer);

  /** The message of a fetchSockets that timed out. */
  String fetchSocketsTimeout(int received, int expected) {
    return NodeRequests.onlyReceived(received, expected);
  }

  // ---- this node's rooms, sockets and sessions: the local adapter's ----

  @Override
  public void addAll(String socketId, Set<String> rooms) {
    local.addAll(socketId, rooms);
  }

  @Override
  public void del(String socketId, String room) {
    local.del(socketId, room);
  }

  @Override
  public void delAll(String socketId) {
    local.delAll(socketId);
  }

  @Override
  public Set<String> socketRooms(String socketId) {
    return local.socketRooms(socketId);
  }

  @Override
  public boolean isIn(String socketId, String room) {
    return local.isIn(socketId, room);
  }

  @Override
  public Set<String> sockets(Set<String> rooms) {
    return local.sockets(rooms);
  }

  @Override
  public Set<String> rooms() {
    return local.rooms();
  }

  @Override
  public long deliveries() {
    return local.deliveries();
  }

  @Override
  public void persistSession(PersistedSession session) {
    local.persistSession(session);
  }

  @Override
  public Future<PersistedSession> restoreSession(String pid, String offset) {
    return local.restoreSession(pid, offset);
  }

  // ---- outgoing: published to the other nodes, applied here at once ----

  /** The last count of nodes seen; asks Redis again in the background for the next call. */
  @Override
  public int serverCount() {
    countNodes();
    return lastServerCount;
  }

  /** How many nodes listen on this namespace now (this one included), from Redis. */
  Future<Integer> countNodes() {
    return link.sendOnEveryNode(countNodesRequest())
        .map(
            responses -> {
              int count = 0;
              for (Response response : responses) {
                count += response.size() >= 2 ? response.get(1).toInteger() : 0;
              }
              lastServerCount = Math.max(1, count);
              return count;
            });
  }

  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    if (!options.local()) {
      publishBroadcast(packet, options);
    }
    local.broadcast(packet, options);
  }

  @Override
  public Future<List<JsonArray>> broadcastWithAck(
      Packet packet, BroadcastOptions options, long timeoutMs) {
    if (options.local()) {
      return local.broadcastWithAck(packet, options, timeoutMs);
    }
    String requestId = newRequestId();
    AckCollector collector =
        new AckCollector(
            namespace.server().vertx(), timeoutMs, () -> ackRequests.remove(requestId));
    ackRequests.put(requestId, collector);
    publishBroadcastWithAck(
            requestId,
            Packet.of(packet.type(), packet.namespace(), packet.data()),
            options,
            timeoutMs)
        .compose(v -> countNodes())
        .onSuccess(collector::nodeCount)
        .onFailure(e -> collector.nodeCount(1)); // Redis down: this node alone
    broadcastWithAckLocally(packet, options, collector::clientCount, collector::ack);
    return collector.future();
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> rooms) {
    if (!options.local()) {
      publishOperation(Operation.JOIN, options, roomsField(rooms));
    }
    local.addSockets(options, rooms);
  }

  @Override
  public void delSockets(BroadcastOptions options, Set<String> rooms) {
    if (!options.local()) {
      publishOperation(Operation.LEAVE, options, roomsField(rooms));
    }
    local.delSockets(options, rooms);
  }

  @Override
  public void disconnectSockets(BroadcastOptions options, boolean close) {
    if (!options.local()) {
      publishOperation(Operation.DISCONNECT, options, new JsonObject().put("close", close));
    }
    local.disconnectSockets(options, close);
  }

  private static JsonObject roomsField(Set<String> rooms) {
    return new JsonObject().put("rooms", new JsonArray(List.copyOf(rooms)));
  }

  @Override
  public Future<FetchedSockets> fetchSockets(BroadcastOptions options) {
    if (options.local()) {
      return local.fetchSockets(options);
    }
    List<Recipient> here = new ArrayList<>();
    local.forEachRecipient(options, here::add);
    return this.<SocketDetails>askOtherNodes(
            List.of(),
            this.options.requestsTimeoutMs(),
            this::fetchSocketsTimeout,
            requestId -> publishFetchSockets(requestId, options),
            (answer, sockets) -> {
              if (answer.getValue("sockets") instanceof JsonArray list) {
                for (Object s : list) {
                  if (s instanceof JsonObject json) {
                    sockets.add(Wire.details(json));
                  }
                }
              }
            })
        .map(remote -> new FetchedSockets(here, remote));
  }

  @Override
  public Future<List<JsonArray>> serverSideEmit(JsonArray args, long timeoutMs) {
    if (timeoutMs <= 0) {
      return publishServerSideEmit(args, null)
          .<List<JsonArray>>map(v -> List.of())
          .otherwise(List.of());
    }
    return askOtherNodes(
        List.of(),
        timeoutMs,
        NodeRequests::onlyReceived,
        requestId -> publishServerSideEmit(args, requestId),
        (answer, replies) -> replies.add(new JsonArray().add(serverSideEmitReply(answer))));
  }

  /**
   * Asks every other node once and gathers their answers after this node's own ({@code local}):
   * done when each node answered, failed on timeout, and just {@code local} when there is no other
   * node or the request cannot be published.
   */
  private <T> Future<List<T>> askOtherNodes(
      List<T> local,
      long timeoutMs,
      NodeRequests.TimeoutMessage timeoutMessage,
      Function<String, Future<Void>> publish,
      BiConsumer<JsonObject, List<T>> addAnswer) {
    return countNodes()
        .transform(
            count -> {
              int expected = count.succeeded() ? count.result() - 1 : 0;
              if (expected <= 0) {
                return Future.succeededFuture(local);
              }
              return requests.gather(
                  newRequestId(), expected, local, timeoutMs, timeoutMessage, publish, addAnswer);
            });
  }

  // ---- incoming: what other nodes ask, and their answers ----

  /**
   * Delivers a broadcast from another node to this node's sockets: encoded once, written to each.
   */
  void deliverLocally(Packet packet, BroadcastOptions options) {
    local.broadcast(packet, options);
  }

  /**
   * Applies another node's operation to this node's sockets; {@code fields} holds rooms or close.
   */
  void applyLocally(Operation operation, BroadcastOptions targets, JsonObject fields) {
    switch (operation) {
      case JOIN -> local.addSockets(targets, Wire.strings(fields.getValue("rooms")));
      case LEAVE -> local.delSockets(targets, Wire.strings(fields.getValue("rooms")));
      case DISCONNECT ->
          local.disconnectSockets(targets, Boolean.TRUE.equals(fields.getValue("close")));
    }
  }

  JsonArray localSocketsJson(BroadcastOptions options) {
    JsonArray sockets = new JsonArray();
    local.forEachRecipient(
        options,
        recipient -> {
          if (recipient instanceof Socket socket) { // a namespace's recipients are its sockets
            sockets.add(Wire.socket(socket));
          }
        });
    return sockets;
  }

  /**
   * The local half of a broadcast with acks: tells how many clients it reaches, then hands over
   * each client's ack. The packet gets an ack id of this namespace; it is encoded once.
   */
  void broadcastWithAckLocally(
      Packet packet, BroadcastOptions options, IntConsumer clientCount, Consumer<JsonArray> ack) {
    List<Recipient> recipients = new ArrayList<>();
    local.forEachRecipient(options, recipients::add);
    clientCount.accept(recipients.size());
    if (recipients.isEmpty()) {
      return;
    }
    Packet withId =
        new Packet(PacketType.EVENT, namespace.name(), packet.data(), namespace.nextAckId());
    List<OutFrame> frames = PacketFrames.of(withId);
    for (Recipient socket : recipients) {
      Promise<JsonArray> promise = Promise.promise();
      promise.future().onSuccess(ack::accept);
      socket.sendWithAck(frames, withId.id(), promise);
    }
  }

  /**
   * Runs a server-side event from another node here; when the requester waits ({@code requestId}
   * not null), the first reply is handed to {@code answer}, later ones are ignored.
   */
  void receiveServerSideEmit(JsonArray data, String requestId, Consumer<Object> answer) {
    if (requestId == null) {
      namespace.receiveServerSideEmit(data, reply -> {});
      return;
    }
    AtomicBoolean called = new AtomicBoolean();
    namespace.receiveServerSideEmit(
        data,
        reply -> {
          if (called.compareAndSet(false, true)) {
            answer.accept(reply);
          }
        });
  }

  /** A node's count of the clients a broadcast with acks reached. */
  void clientCountReceived(String requestId, Object count) {
    AckCollector collector = ackRequests.get(requestId);
    if (collector != null && count instanceof Number n) {
      collector.clientCount(n.intValue());
    }
  }

  /** One client's ack to a broadcast with acks. */
  void ackReceived(String requestId, Object packet) {
    AckCollector collector = ackRequests.get(requestId);
    if (collector != null) {
      collector.ack(new JsonArray().add(packet));
    }
  }

  /** A node's answer to a fetchSockets or a server-side event this node waits for. */
  void answerReceived(String requestId, JsonObject answer) {
    requests.answerReceived(requestId, answer);
  }

  static void warnDropped(String what, Throwable e) {
    LOG.log(Level.DEBUG, () -> "Redis adapter: " + what + " not published: " + e.getMessage());
  }
}
