package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sharded Redis adapter (Redis 7 SPUBLISH/SSUBSCRIBE), wire-compatible with npm
 * {@code @socket.io/redis-adapter} 8.x's {@code createShardedAdapter}: messages {uid, nsp, type, data} of
 * socket.io-adapter's ClusterAdapter, as JSON (msgpack when they carry binary), on {@code key#nsp#}, with
 * one channel per public room in the dynamic subscription mode ({@code key#nsp#room#}), and answers on
 * the requester's {@code key#nsp#uid#}. The number of nodes is PUBSUB SHARDNUMSUB of the main channel.
 */
final class ShardedRedisAdapter extends ClusterAdapter {

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
  /** Socket.IO socket ids are 20 characters; the npm adapter keeps such rooms on the main channel. */
  private static final int SOCKET_ID_LENGTH = 20;

  private final String uid = Wire.hexId();
  private final String channel;
  private final String responseChannel;
  private final boolean dynamic;

  ShardedRedisAdapter(Namespace namespace, RedisLink link, RedisAdapterOptions options) {
    super(namespace, link, options);
    this.channel = options.key() + "#" + namespace.name() + "#";
    this.responseChannel = channel + uid + "#";
    this.dynamic = options.subscriptionMode() == RedisAdapterOptions.SubscriptionMode.DYNAMIC;
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
  protected void onRoomCreated(String room) {
    if (dynamic) {
      link.subscribe(RedisLink.Kind.SHARD, roomChannel(room), this::onRawMessage);
    }
  }

  @Override
  protected void onRoomDeleted(String room) {
    if (dynamic) {
      link.unsubscribeUnless(RedisLink.Kind.SHARD, roomChannel(room), () -> rooms().contains(room));
    }
  }

  private String roomChannel(String room) {
    return channel + room + "#";
  }

  // ---- outgoing ----

  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    if (!options.local()) {
      JsonObject data = new JsonObject().put("packet", Wire.packet(packet)).put("opts", Wire.options(options, null));
      String target = channel;
      if (dynamic && options.rooms().size() == 1) {
        String room = options.rooms().iterator().next();
        if (room.length() != SOCKET_ID_LENGTH) {
          target = roomChannel(room);
        }
      }
      publish(target, BROADCAST, data);
    }
    super.broadcast(packet, options);
  }

  @Override
  public Future<List<JsonArray>> broadcastWithAck(Packet packet, BroadcastOptions options, long timeoutMs) {
    if (options.local()) {
      return super.broadcastWithAck(packet, options, timeoutMs);
    }
    String requestId = Wire.hexId();
    AckCollector collector = new AckCollector(namespace().server().vertx(), timeoutMs, () -> ackRequests.remove(requestId));
    ackRequests.put(requestId, collector);
    JsonObject data = new JsonObject()
        .put("packet", Wire.packet(Packet.of(packet.type(), packet.namespace(), packet.data())))
        .put("requestId", requestId)
        .put("opts", Wire.options(options, timeoutMs));
    publish(channel, BROADCAST, data)
        .compose(v -> countNodes())
        .onSuccess(collector::nodeCount)
        .onFailure(e -> collector.nodeCount(1));
    broadcastWithAckLocally(packet, options, collector::clientCount, collector::ack);
    return collector.future();
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> rooms) {
    if (!options.local()) {
      publish(channel, SOCKETS_JOIN, new JsonObject().put("opts", Wire.options(options, null)).put("rooms", new JsonArray(List.copyOf(rooms))));
    }
    super.addSockets(options, rooms);
  }

  @Override
  public void delSockets(BroadcastOptions options, Set<String> rooms) {
    if (!options.local()) {
      publish(channel, SOCKETS_LEAVE, new JsonObject().put("opts", Wire.options(options, null)).put("rooms", new JsonArray(List.copyOf(rooms))));
    }
    super.delSockets(options, rooms);
  }

  @Override
  public void disconnectSockets(BroadcastOptions options, boolean close) {
    if (!options.local()) {
      publish(channel, DISCONNECT_SOCKETS, new JsonObject().put("opts", Wire.options(options, null)).put("close", close));
    }
    super.disconnectSockets(options, close);
  }

  @Override
  public Future<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
    List<RemoteSocket> local = fetchLocally(options);
    if (options.local()) {
      return Future.succeededFuture(local);
    }
    return countNodes().transform(count -> {
      int expected = count.succeeded() ? count.result() - 1 : 0;
      if (expected <= 0) {
        return Future.succeededFuture(local);
      }
      String requestId = Wire.hexId();
      Promise<List<RemoteSocket>> promise = Promise.promise();
      List<RemoteSocket> sockets = new ArrayList<>(local);
      int[] answers = {0};
      if (!register(requestId, new PendingRequest() {
        @Override
        public void onResponse(JsonObject response) {
          synchronized (sockets) {
            answers[0]++;
            if (data(response).getValue("sockets") instanceof JsonArray list) {
              for (Object s : list) {
                if (s instanceof JsonObject json) {
                  sockets.add(new NodeSocket(namespace(), json));
                }
              }
            }
            if (answers[0] >= expected) {
              pending.remove(requestId);
              promise.tryComplete(new ArrayList<>(sockets));
            }
          }
        }

        @Override
        public void onTimeout() {
          synchronized (sockets) {
            promise.tryFail(new TimeoutException("timeout reached: only " + answers[0] + " responses received out of " + expected));
          }
        }
      }, this.options.requestsTimeoutMs())) {
        return Future.failedFuture("too many cluster requests waiting");
      }
      publish(channel, FETCH_SOCKETS, new JsonObject().put("opts", Wire.options(options, null)).put("requestId", requestId))
          .onFailure(e -> {
            pending.remove(requestId);
            promise.tryComplete(local);
          });
      return promise.future();
    });
  }

  @Override
  public Future<List<JsonArray>> serverSideEmit(JsonArray args, long timeoutMs) {
    if (timeoutMs <= 0) {
      return publish(channel, SERVER_SIDE_EMIT, new JsonObject().put("packet", args)).<List<JsonArray>>map(v -> List.of()).otherwise(List.of());
    }
    return countNodes().transform(count -> {
      int expected = count.succeeded() ? count.result() - 1 : 0;
      if (expected <= 0) {
        return Future.succeededFuture(List.<JsonArray>of());
      }
      String requestId = Wire.hexId();
      Promise<List<JsonArray>> promise = Promise.promise();
      List<JsonArray> responses = new ArrayList<>();
      if (!register(requestId, new PendingRequest() {
        @Override
        public void onResponse(JsonObject response) {
          synchronized (responses) {
            responses.add(new JsonArray().add(Wire.raw(data(response), "packet")));
            if (responses.size() >= expected) {
              pending.remove(requestId);
              promise.tryComplete(new ArrayList<>(responses));
            }
          }
        }

        @Override
        public void onTimeout() {
          synchronized (responses) {
            promise.tryFail(new TimeoutException("timeout reached: only " + responses.size() + " responses received out of " + expected));
          }
        }
      }, timeoutMs)) {
        return Future.failedFuture("too many cluster requests waiting");
      }
      publish(channel, SERVER_SIDE_EMIT, new JsonObject().put("requestId", requestId).put("packet", args)).onFailure(e -> {
        pending.remove(requestId);
        promise.tryComplete(List.of());
      });
      return promise.future();
    });
  }

  @Override
  Future<Integer> countNodes() {
    return link.send(Request.cmd(Command.PUBSUB).arg("SHARDNUMSUB").arg(channel)).map(response -> {
      int count = response.size() >= 2 ? response.get(1).toInteger() : 1;
      lastServerCount = Math.max(1, count);
      return count;
    });
  }

  private Future<Void> publish(String target, int type, JsonObject data) {
    JsonObject message = new JsonObject().put("uid", uid).put("nsp", namespace().name()).put("type", type).put("data", data);
    byte[] bytes;
    try {
      bytes = encode(message, type);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Redis adapter: message not published (cannot encode it): " + e.getMessage());
      return Future.failedFuture(e);
    }
    return link.publish(target, bytes, true).onFailure(e -> warnDropped("message", e));
  }

  private void respond(String requesterUid, int type, JsonObject data) {
    JsonObject message = new JsonObject().put("uid", uid).put("nsp", namespace().name()).put("type", type).put("data", data);
    link.publish(channel + requesterUid + "#", encode(message, type), true).onFailure(e -> warnDropped("response", e));
  }

  /** JSON unless the message may carry binary and does, as the npm sharded adapter decides. */
  private static byte[] encode(JsonObject message, int type) {
    boolean mayContainBinary = type == BROADCAST || type == BROADCAST_ACK || type == FETCH_SOCKETS_RESPONSE
        || type == SERVER_SIDE_EMIT || type == SERVER_SIDE_EMIT_RESPONSE;
    return mayContainBinary && hasBinary(Wire.raw(message, "data")) ? Msgpack.encode(message) : Wire.json(message);
  }

  private static boolean hasBinary(Object value) {
    if (value instanceof Buffer || value instanceof byte[]) {
      return true;
    }
    if (value instanceof JsonObject object) {
      return object.getMap().values().stream().anyMatch(ShardedRedisAdapter::hasBinary);
    }
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().anyMatch(ShardedRedisAdapter::hasBinary);
    }
    if (value instanceof JsonArray array) {
      return array.getList().stream().anyMatch(ShardedRedisAdapter::hasBinary);
    }
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(ShardedRedisAdapter::hasBinary);
    }
    return false;
  }

  private static JsonObject data(JsonObject message) {
    return message.getValue("data") instanceof JsonObject data ? data : new JsonObject();
  }

  // ---- incoming ----

  private void onRawMessage(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject message) || !(message.getValue("type") instanceof Number type)) {
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
    switch (type) {
      case BROADCAST -> {
        Packet packet = Wire.packet(data.getValue("packet"), namespace().name());
        if (packet == null) {
          return;
        }
        BroadcastOptions targets = Wire.options(data.getValue("opts"));
        if (requestId == null) {
          deliverLocally(packet, targets);
          return;
        }
        String requester = String.valueOf(sender);
        broadcastWithAckLocally(packet, targets,
            count -> respond(requester, BROADCAST_CLIENT_COUNT, new JsonObject().put("requestId", requestId).put("clientCount", count)),
            ack -> respond(requester, BROADCAST_ACK, new JsonObject().put("requestId", requestId).put("packet", Wire.first(ack))));
      }
      case SOCKETS_JOIN -> addLocally(Wire.options(data.getValue("opts")), Wire.strings(data.getValue("rooms")));
      case SOCKETS_LEAVE -> delLocally(Wire.options(data.getValue("opts")), Wire.strings(data.getValue("rooms")));
      case DISCONNECT_SOCKETS -> disconnectLocally(Wire.options(data.getValue("opts")), Boolean.TRUE.equals(data.getValue("close")));
      case FETCH_SOCKETS -> {
        if (requestId != null) {
          respond(String.valueOf(sender), FETCH_SOCKETS_RESPONSE,
              new JsonObject().put("requestId", requestId).put("sockets", localSocketsJson(Wire.options(data.getValue("opts")))));
        }
      }
      case SERVER_SIDE_EMIT -> {
        if (!(data.getValue("packet") instanceof JsonArray args)) {
          return;
        }
        if (requestId == null) {
          receiveServerSideEmit(args, reply -> {});
          return;
        }
        AtomicBoolean called = new AtomicBoolean();
        String requester = String.valueOf(sender);
        receiveServerSideEmit(args, reply -> {
          if (called.compareAndSet(false, true)) {
            respond(requester, SERVER_SIDE_EMIT_RESPONSE, new JsonObject().put("requestId", requestId).put("packet", reply));
          }
        });
      }
      case FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT_RESPONSE, BROADCAST_CLIENT_COUNT, BROADCAST_ACK -> onResponse(type, message);
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring message type " + type);
    }
  }

  private void onResponse(int type, JsonObject message) {
    JsonObject data = data(message);
    if (!(data.getValue("requestId") instanceof String requestId)) {
      return;
    }
    switch (type) {
      case BROADCAST_CLIENT_COUNT -> {
        AckCollector collector = ackRequests.get(requestId);
        if (collector != null && data.getValue("clientCount") instanceof Number n) {
          collector.clientCount(n.intValue());
        }
      }
      case BROADCAST_ACK -> {
        AckCollector collector = ackRequests.get(requestId);
        if (collector != null) {
          collector.ack(new JsonArray().add(Wire.raw(data, "packet")));
        }
      }
      case FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT_RESPONSE -> {
        PendingRequest request = pending.get(requestId);
        if (request != null) {
          request.onResponse(message);
        }
      }
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring response type " + type);
    }
  }
}
