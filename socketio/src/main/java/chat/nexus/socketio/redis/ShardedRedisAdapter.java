package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.System.Logger.Level;

/**
 * The sharded Redis adapter (Redis 7 SPUBLISH/SSUBSCRIBE), wire-compatible with npm
 * {@code @socket.io/redis-adapter} 8.x's {@code createShardedAdapter}: messages {uid, nsp, type,
 * data} of socket.io-adapter's ClusterAdapter, as JSON (msgpack when they carry binary), on {@code
 * key#nsp#}, with one channel per public room in the dynamic subscription mode ({@code
 * key#nsp#room#}), and answers on the requester's {@code key#nsp#uid#}. The number of nodes is
 * PUBSUB SHARDNUMSUB of the main channel.
 */
final class ShardedRedisAdapter extends ClusterAdapter implements InMemoryAdapter.RoomListener {

  /** socket.io-adapter's ClusterAdapter message types. */
  static final int BROADCAST = 3;

  static final int SOCKETS_JOIN = 4;
  static final int SOCKETS_LEAVE = 5;
  static final int DISCONNECT_SOCKETS = 6;
  static final int FETCH_SOCKETS = 7;
  static final int FETCH_SOCKETS_RESPONSE = 8;
  static final int SERVER_SIDE_EMIT = 9;
  static final int SERVER_SIDE_EMIT_RESPONSE = 10;
  static final int BROADCAST_CLIENT_COUNT = 11;
  static final int BROADCAST_ACK = 12;

  /**
   * Socket.IO socket ids are 20 characters; the npm adapter keeps such rooms on the main channel.
   */
  private static final int SOCKET_ID_LENGTH = 20;

  private final String uid = Wire.hexId();
  private final String channel;
  private final String responseChannel;
  private final boolean dynamic;

  ShardedRedisAdapter(
      Namespace namespace, InMemoryAdapter local, RedisLink link, RedisAdapterOptions options) {
    super(namespace, local, link, options);
    this.channel = options.key() + "#" + namespace.name() + "#";
    this.responseChannel = channel + uid + "#";
    this.dynamic = options.subscriptionMode() == RedisAdapterOptions.SubscriptionMode.DYNAMIC;
    local.roomListener(this);
  }

  @Override
  public Future<Void> init() {
    return Future.all(
            link.subscribe(RedisLink.Kind.SHARD, channel, this::onRawMessage),
            link.subscribe(RedisLink.Kind.SHARD, responseChannel, this::onRawMessage))
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    link.unsubscribe(RedisLink.Kind.SHARD, channel);
    link.unsubscribe(RedisLink.Kind.SHARD, responseChannel);
    if (dynamic) {
      for (String room : rooms()) {
        link.unsubscribe(RedisLink.Kind.SHARD, roomChannel(room));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public void roomCreated(String room) {
    if (dynamic) {
      link.subscribe(RedisLink.Kind.SHARD, roomChannel(room), this::onRawMessage);
    }
  }

  @Override
  public void roomDeleted(String room) {
    if (dynamic) {
      link.unsubscribeUnless(RedisLink.Kind.SHARD, roomChannel(room), () -> rooms().contains(room));
    }
  }

  private String roomChannel(String room) {
    return channel + room + "#";
  }

  // ---- outgoing ----

  @Override
  String newRequestId() {
    return Wire.hexId();
  }

  @Override
  Request countNodesRequest() {
    return Request.cmd(Command.PUBSUB).arg("SHARDNUMSUB").arg(channel);
  }

  @Override
  void publishBroadcast(Packet packet, BroadcastOptions options) {
    JsonObject data =
        new JsonObject()
            .put("packet", Wire.packet(packet))
            .put("opts", Wire.options(options, null));
    String target = channel;
    if (dynamic && options.rooms().size() == 1) {
      String room = options.rooms().iterator().next();
      if (room.length() != SOCKET_ID_LENGTH) {
        target = roomChannel(room);
      }
    }
    publish(target, BROADCAST, data);
  }

  @Override
  Future<Void> publishBroadcastWithAck(
      String requestId, Packet packet, BroadcastOptions options, long timeoutMs) {
    JsonObject data =
        new JsonObject()
            .put("packet", Wire.packet(packet))
            .put("requestId", requestId)
            .put("opts", Wire.options(options, timeoutMs));
    return publish(channel, BROADCAST, data);
  }

  @Override
  void publishOperation(Operation operation, BroadcastOptions options, JsonObject fields) {
    int type =
        switch (operation) {
          case JOIN -> SOCKETS_JOIN;
          case LEAVE -> SOCKETS_LEAVE;
          case DISCONNECT -> DISCONNECT_SOCKETS;
        };
    publish(
        channel, type, new JsonObject().put("opts", Wire.options(options, null)).mergeIn(fields));
  }

  @Override
  Future<Void> publishFetchSockets(String requestId, BroadcastOptions options) {
    return publish(
        channel,
        FETCH_SOCKETS,
        new JsonObject().put("opts", Wire.options(options, null)).put("requestId", requestId));
  }

  @Override
  Future<Void> publishServerSideEmit(JsonArray args, String requestId) {
    JsonObject data =
        requestId == null ? new JsonObject() : new JsonObject().put("requestId", requestId);
    return publish(channel, SERVER_SIDE_EMIT, data.put("packet", args));
  }

  @Override
  Object serverSideEmitReply(JsonObject answer) {
    return Wire.raw(answer, "packet");
  }

  private Future<Void> publish(String target, int type, JsonObject data) {
    JsonObject message =
        new JsonObject()
            .put("uid", uid)
            .put("nsp", namespace().name())
            .put("type", type)
            .put("data", data);
    byte[] bytes;
    try {
      bytes = encode(message, type);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Redis adapter: message not published (cannot encode it): " + e.getMessage());
      return Future.failedFuture(e);
    }
    return link.publish(target, bytes, true).onFailure(e -> warnDropped("message", e));
  }

  private void respond(String requesterUid, int type, JsonObject data) {
    JsonObject message =
        new JsonObject()
            .put("uid", uid)
            .put("nsp", namespace().name())
            .put("type", type)
            .put("data", data);
    link.publish(channel + requesterUid + "#", encode(message, type), true)
        .onFailure(e -> warnDropped("response", e));
  }

  /** JSON unless the message may carry binary and does, as the npm sharded adapter decides. */
  private static byte[] encode(JsonObject message, int type) {
    return mayContainBinary(type) && Wire.hasBinary(Wire.raw(message, "data"))
        ? Msgpack.encode(message)
        : Wire.json(message);
  }

  /** The message types whose data the npm adapters check for binary before choosing JSON. */
  static boolean mayContainBinary(int type) {
    return type == BROADCAST
        || type == BROADCAST_ACK
        || type == FETCH_SOCKETS_RESPONSE
        || type == SERVER_SIDE_EMIT
        || type == SERVER_SIDE_EMIT_RESPONSE;
  }

  private static JsonObject data(JsonObject message) {
    return message.getValue("data") instanceof JsonObject data ? data : new JsonObject();
  }

  // ---- incoming ----

  private void onRawMessage(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject message)
        || !(message.getValue("type") instanceof Number type)) {
      return;
    }
    if (from.equals(responseChannel)) {
      onResponse(type.intValue(), message);
    } else {
      onMessage(type.intValue(), message);
    }
  }

  private void onMessage(int type, JsonObject message) {
    Object sender = message.getValue("uid");
    if (uid.equals(sender)) {
      return;
    }
    Object nsp = message.getValue("nsp");
    if (nsp != null && !namespace().name().equals(nsp)) {
      return;
    }
    JsonObject data = data(message);
    String requestId = data.getValue("requestId") instanceof String id ? id : null;
    String requester = String.valueOf(sender);
    switch (type) {
      case BROADCAST -> onBroadcast(data, requester, requestId);
      case SOCKETS_JOIN -> applyLocally(Operation.JOIN, targets(data), data);
      case SOCKETS_LEAVE -> applyLocally(Operation.LEAVE, targets(data), data);
      case DISCONNECT_SOCKETS -> applyLocally(Operation.DISCONNECT, targets(data), data);
      case FETCH_SOCKETS -> {
        if (requestId != null) {
          respond(
              requester,
              FETCH_SOCKETS_RESPONSE,
              new JsonObject()
                  .put("requestId", requestId)
                  .put("sockets", localSocketsJson(targets(data))));
        }
      }
      case SERVER_SIDE_EMIT -> {
        if (data.getValue("packet") instanceof JsonArray args) {
          receiveServerSideEmit(
              args,
              requestId,
              reply ->
                  respond(
                      requester,
                      SERVER_SIDE_EMIT_RESPONSE,
                      new JsonObject().put("requestId", requestId).put("packet", reply)));
        }
      }
      case FETCH_SOCKETS_RESPONSE,
          SERVER_SIDE_EMIT_RESPONSE,
          BROADCAST_CLIENT_COUNT,
          BROADCAST_ACK ->
          onResponse(type, message);
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring message type " + type);
    }
  }

  /** Another node's broadcast: delivered here, and with acks, the count and each ack answered. */
  private void onBroadcast(JsonObject data, String requester, String requestId) {
    Packet packet = Wire.packet(data.getValue("packet"), namespace().name());
    if (packet == null) {
      return;
    }
    BroadcastOptions targets = targets(data);
    if (requestId == null) {
      deliverLocally(packet, targets);
      return;
    }
    broadcastWithAckLocally(
        packet,
        targets,
        count ->
            respond(
                requester,
                BROADCAST_CLIENT_COUNT,
                new JsonObject().put("requestId", requestId).put("clientCount", count)),
        ack ->
            respond(
                requester,
                BROADCAST_ACK,
                new JsonObject().put("requestId", requestId).put("packet", Wire.first(ack))));
  }

  /** Which sockets a message from another node is for. */
  private static BroadcastOptions targets(JsonObject data) {
    return Wire.options(data.getValue("opts"));
  }

  private void onResponse(int type, JsonObject message) {
    JsonObject data = data(message);
    if (!(data.getValue("requestId") instanceof String requestId)) {
      return;
    }
    switch (type) {
      case BROADCAST_CLIENT_COUNT -> clientCountReceived(requestId, data.getValue("clientCount"));
      case BROADCAST_ACK -> ackReceived(requestId, Wire.raw(data, "packet"));
      case FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT_RESPONSE -> answerReceived(requestId, data);
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring response type " + type);
    }
  }
}
