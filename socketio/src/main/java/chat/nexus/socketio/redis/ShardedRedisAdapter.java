package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * The sharded Redis adapter (Redis 7 SPUBLISH/SSUBSCRIBE), wire-compatible with npm
 * {@code @socket.io/redis-adapter} 8.x's {@code createShardedAdapter}: messages {uid, nsp, type,
 * data} of socket.io-adapter's ClusterAdapter, as JSON (msgpack when they carry binary), on {@code
 * key#nsp#}, with one channel per public room in the dynamic subscription mode ({@code
 * key#nsp#room#}), and answers on the requester's {@code key#nsp#uid#}. The number of nodes is
 * PUBSUB SHARDNUMSUB of the main channel.
 */
final class ShardedRedisAdapter extends ClusterMessageAdapter
    implements InMemoryAdapter.RoomListener {

  /**
   * Socket.IO socket ids are 20 characters; the npm adapter keeps such rooms on the main channel.
   */
  private static final int SOCKET_ID_LENGTH = 20;

  private final boolean dynamic;

  ShardedRedisAdapter(
      Namespace namespace, InMemoryAdapter local, RedisLink link, RedisAdapterOptions options) {
    super(namespace, local, link, options);
    this.dynamic = options.subscriptionMode() == RedisAdapterOptions.SubscriptionMode.DYNAMIC;
    local.roomListener(this);
  }

  @Override
  public Future<Void> init() {
    return Future.all(
            link.subscribe(SubscriptionKind.SHARD, channel, this::onRawMessage),
            link.subscribe(SubscriptionKind.SHARD, responseChannel, this::onRawMessage))
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    link.unsubscribe(SubscriptionKind.SHARD, channel);
    link.unsubscribe(SubscriptionKind.SHARD, responseChannel);
    if (dynamic) {
      for (String room : rooms()) {
        link.unsubscribe(SubscriptionKind.SHARD, roomChannel(room));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public void roomCreated(String room) {
    if (dynamic) {
      link.subscribe(SubscriptionKind.SHARD, roomChannel(room), this::onRawMessage);
    }
  }

  @Override
  public void roomDeleted(String room) {
    if (dynamic) {
      link.unsubscribeUnless(
          SubscriptionKind.SHARD, roomChannel(room), () -> rooms().contains(room));
    }
  }

  private String roomChannel(String room) {
    return channel + room + "#";
  }

  // ---- outgoing ----

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
  void sendOperation(int type, JsonObject data) {
    publish(channel, type, data);
  }

  @Override
  boolean shardedChannels() {
    return true;
  }

  /** JSON unless the message may carry binary and does, as the npm sharded adapter decides. */
  @Override
  byte[] encode(JsonObject message, int type) {
    return mayContainBinary(type) && Wire.hasBinary(Wire.raw(message, "data"))
        ? Msgpack.encode(message)
        : Wire.json(message);
  }

  // ---- incoming ----

  private void onRawMessage(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject message)
        || !(message.getValue("type") instanceof Number type)) {
      return;
    }
    if (from.equals(responseChannel)) {
      onAnswer(type.intValue(), data(message));
    } else {
      onMessage(type.intValue(), message);
    }
  }

  private void onMessage(int type, JsonObject message) {
    String requester = sender(message);
    if (requester == null) {
      return;
    }
    JsonObject data = data(message);
    switch (type) {
      case BROADCAST -> onBroadcast(data, requester);
      case SOCKETS_JOIN -> applyLocally(Operation.JOIN, targets(data), data);
      case SOCKETS_LEAVE -> applyLocally(Operation.LEAVE, targets(data), data);
      case DISCONNECT_SOCKETS -> applyLocally(Operation.DISCONNECT, targets(data), data);
      default -> onRequestOrAnswer(type, requester, data);
    }
  }

  /** Another node's broadcast: delivered here, and with acks, the count and each ack answered. */
  private void onBroadcast(JsonObject data, String requester) {
    Packet packet = Wire.packet(data.getValue("packet"), namespace().name());
    if (packet == null) {
      return;
    }
    String requestId = requestId(data);
    if (requestId == null) {
      deliverLocally(packet, targets(data));
    } else {
      onBroadcastWithAck(requester, requestId, packet, data);
    }
  }
}
