package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The classic Redis adapter, wire-compatible with npm {@code @socket.io/redis-adapter} 8.x's
 * {@code createAdapter} and with {@code @socket.io/redis-emitter}:
 *
 * <ul>
 *   <li>broadcasts: msgpack {@code [uid, packet, {rooms, except, flags}]} published on
 *       {@code key#nsp#} (or {@code key#nsp#room#} for a single room); every node listens on the pattern
 *       {@code key#nsp#*} and drops messages for rooms it does not have before decoding them;
 *   <li>requests (remote join/leave/disconnect, fetchSockets, serverSideEmit, broadcasts with acks) on
 *       {@code key-request#nsp#}, answers on {@code key-response#nsp#} or the requester's
 *       {@code key-response#nsp#uid#}; JSON, except BROADCAST and BROADCAST_ACK (msgpack);
 *   <li>the number of nodes is the number of subscribers of the request channel (PUBSUB NUMSUB).
 * </ul>
 *
 * <p>Local delivery never waits for Redis: a broadcast is published (or dropped when Redis is down) and
 * delivered to this node's sockets at once. A broadcast from another node is decoded and encoded once on
 * the subscriber connection's event loop and the same frames are written to every local recipient.
 */
final class RedisAdapter extends ClusterAdapter {

  /** The npm adapter's request types. */
  static final int SOCKETS = 0;
  static final int ALL_ROOMS = 1;
  static final int REMOTE_JOIN = 2;
  static final int REMOTE_LEAVE = 3;
  static final int REMOTE_DISCONNECT = 4;
  static final int REMOTE_FETCH = 5;
  static final int SERVER_SIDE_EMIT = 6;
  static final int BROADCAST = 7;
  static final int BROADCAST_CLIENT_COUNT = 8;
  static final int BROADCAST_ACK = 9;
  /** Length of the npm adapter's uid2 ids. */
  private static final int UID_LENGTH = 6;

  private final String uid = Wire.uid(UID_LENGTH);
  private final String channel;
  private final String requestChannel;
  private final String responseChannel;
  private final String specificResponseChannel;

  RedisAdapter(Namespace namespace, RedisLink link, RedisAdapterOptions options) {
    super(namespace, link, options);
    String nsp = namespace.name();
    this.channel = options.key() + "#" + nsp + "#";
    this.requestChannel = options.key() + "-request#" + nsp + "#";
    this.responseChannel = options.key() + "-response#" + nsp + "#";
    this.specificResponseChannel = responseChannel + uid + "#";
  }

  String uid() {
    return uid;
  }

  @Override
  public Future<Void> init() {
    return Future.all(
            link.subscribe(RedisLink.Kind.PATTERN, channel + "*", this::onBroadcast),
            link.subscribe(RedisLink.Kind.CHANNEL, requestChannel, this::onRequest),
            link.subscribe(RedisLink.Kind.CHANNEL, responseChannel, this::onResponse),
            link.subscribe(RedisLink.Kind.CHANNEL, specificResponseChannel, this::onResponse))
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    link.unsubscribe(RedisLink.Kind.PATTERN, channel + "*");
    link.unsubscribe(RedisLink.Kind.CHANNEL, requestChannel);
    link.unsubscribe(RedisLink.Kind.CHANNEL, responseChannel);
    link.unsubscribe(RedisLink.Kind.CHANNEL, specificResponseChannel);
    return Future.succeededFuture();
  }

  // ---- outgoing ----

  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    if (!options.local()) {
      try {
        byte[] message = Msgpack.encode(new JsonArray().add(uid).add(Wire.packet(packet)).add(Wire.options(options, null)));
        String target = options.rooms().size() == 1 ? channel + options.rooms().iterator().next() + "#" : channel;
        link.publish(target, message, false).onFailure(e -> warnDropped("broadcast", e));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Redis adapter: broadcast not published (cannot encode it): " + e.getMessage());
      }
    }
    super.broadcast(packet, options);
  }

  @Override
  public Future<List<JsonArray>> broadcastWithAck(Packet packet, BroadcastOptions options, long timeoutMs) {
    if (options.local()) {
      return super.broadcastWithAck(packet, options, timeoutMs);
    }
    String requestId = Wire.uid(UID_LENGTH);
    AckCollector collector = new AckCollector(namespace().server().vertx(), timeoutMs, () -> ackRequests.remove(requestId));
    ackRequests.put(requestId, collector);
    JsonObject request = new JsonObject()
        .put("uid", uid)
        .put("requestId", requestId)
        .put("type", BROADCAST)
        .put("packet", Wire.packet(Packet.of(packet.type(), packet.namespace(), packet.data())))
        .put("opts", Wire.options(options, timeoutMs));
    link.publish(requestChannel, Msgpack.encode(request), false)
        .compose(v -> countNodes())
        .onSuccess(collector::nodeCount)
        .onFailure(e -> collector.nodeCount(1)); // Redis down: this node alone
    broadcastWithAckLocally(packet, options, collector::clientCount, collector::ack);
    return collector.future();
  }

  @Override
  public Future<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
    List<RemoteSocket> local = fetchLocally(options);
    if (options.local()) {
      return Future.succeededFuture(local);
    }
    return countNodes().transform(count -> {
      if (count.failed() || count.result() <= 1) {
        return Future.succeededFuture(local);
      }
      int numSub = count.result();
      String requestId = Wire.uid(UID_LENGTH);
      Promise<List<RemoteSocket>> promise = Promise.promise();
      List<RemoteSocket> sockets = new ArrayList<>(local);
      int[] answers = {1};
      boolean registered = register(requestId, new PendingRequest() {
        @Override
        public void onResponse(JsonObject response) {
          synchronized (sockets) {
            answers[0]++;
            if (response.getValue("sockets") instanceof JsonArray list) {
              for (Object s : list) {
                if (s instanceof JsonObject json) {
                  sockets.add(new NodeSocket(namespace(), json));
                }
              }
            }
            if (answers[0] >= numSub) {
              pending.remove(requestId);
              promise.tryComplete(new ArrayList<>(sockets));
            }
          }
        }

        @Override
        public void onTimeout() {
          promise.tryFail(new TimeoutException("timeout reached while waiting for fetchSockets response"));
        }
      }, options().requestsTimeoutMs());
      if (!registered) {
        return Future.failedFuture("too many cluster requests waiting");
      }
      JsonObject request = new JsonObject().put("uid", uid).put("requestId", requestId).put("type", REMOTE_FETCH)
          .put("opts", roomsOnly(options));
      link.publish(requestChannel, Wire.json(request), false).onFailure(e -> {
        pending.remove(requestId);
        promise.tryComplete(local);
      });
      return promise.future();
    });
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> rooms) {
    publishRemote(REMOTE_JOIN, options, new JsonObject().put("rooms", new JsonArray(List.copyOf(rooms))));
    super.addSockets(options, rooms);
  }

  @Override
  public void delSockets(BroadcastOptions options, Set<String> rooms) {
    publishRemote(REMOTE_LEAVE, options, new JsonObject().put("rooms", new JsonArray(List.copyOf(rooms))));
    super.delSockets(options, rooms);
  }

  @Override
  public void disconnectSockets(BroadcastOptions options, boolean close) {
    publishRemote(REMOTE_DISCONNECT, options, new JsonObject().put("close", close));
    super.disconnectSockets(options, close);
  }

  /** Asks the other nodes to apply a join/leave/disconnect to their sockets; this node applies its own. */
  private void publishRemote(int type, BroadcastOptions options, JsonObject fields) {
    if (options.local()) {
      return;
    }
    JsonObject request = new JsonObject().put("uid", uid).put("type", type).put("opts", roomsOnly(options)).mergeIn(fields);
    link.publish(requestChannel, Wire.json(request), false).onFailure(e -> warnDropped("remote operation", e));
  }

  @Override
  public Future<List<JsonArray>> serverSideEmit(JsonArray args, long timeoutMs) {
    if (timeoutMs <= 0) {
      JsonObject request = new JsonObject().put("uid", uid).put("type", SERVER_SIDE_EMIT).put("data", args);
      return link.publish(requestChannel, Wire.json(request), false).<List<JsonArray>>map(v -> List.of()).otherwise(List.of());
    }
    return countNodes().transform(count -> {
      int expected = count.succeeded() ? count.result() - 1 : 0;
      if (expected <= 0) {
        return Future.succeededFuture(List.<JsonArray>of());
      }
      String requestId = Wire.uid(UID_LENGTH);
      Promise<List<JsonArray>> promise = Promise.promise();
      List<JsonArray> responses = new ArrayList<>();
      boolean registered = register(requestId, new PendingRequest() {
        @Override
        public void onResponse(JsonObject response) {
          synchronized (responses) {
            responses.add(new JsonArray().add(Wire.raw(response, "data")));
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
      }, timeoutMs);
      if (!registered) {
        return Future.failedFuture("too many cluster requests waiting");
      }
      JsonObject request = new JsonObject().put("uid", uid).put("requestId", requestId).put("type", SERVER_SIDE_EMIT).put("data", args);
      link.publish(requestChannel, Wire.json(request), false).onFailure(e -> {
        pending.remove(requestId);
        promise.tryComplete(List.of());
      });
      return promise.future();
    });
  }

  /** The number of nodes: subscribers of the request channel. */
  @Override
  Future<Integer> countNodes() {
    return link.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(requestChannel)).map(response -> {
      int count = response.size() >= 2 ? response.get(1).toInteger() : 1;
      lastServerCount = Math.max(1, count);
      return count;
    });
  }

  private RedisAdapterOptions options() {
    return options;
  }

  private static JsonObject roomsOnly(BroadcastOptions options) {
    JsonObject json = Wire.options(options, null);
    json.remove("flags");
    return json;
  }

  // ---- incoming ----

  private void onBroadcast(String from, byte[] payload) {
    if (!from.startsWith(channel)) {
      return;
    }
    String room = from.length() > channel.length() ? from.substring(channel.length(), from.length() - 1) : "";
    if (!room.isEmpty() && !rooms().contains(room) && namespace().socket(room) == null) {
      return; // nobody here: not even decoded
    }
    if (!(Wire.decode(payload) instanceof JsonArray message) || message.size() < 3) {
      return;
    }
    if (uid.equals(message.getValue(0))) {
      return;
    }
    Packet packet = Wire.packet(message.getValue(1), namespace().name());
    if (packet != null) {
      deliverLocally(packet, Wire.options(message.getValue(2)));
    }
  }

  private void onRequest(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject request) || !(request.getValue("type") instanceof Number type)) {
      return;
    }
    String requestId = request.getValue("requestId") instanceof String id ? id : null;
    boolean own = uid.equals(request.getValue("uid"));
    switch (type.intValue()) {
      case SOCKETS -> {
        if (own || requestId == null) {
          return;
        }
        Set<String> ids = sockets(Wire.strings(request.getValue("rooms")));
        respond(request, Wire.json(new JsonObject().put("requestId", requestId).put("sockets", new JsonArray(List.copyOf(ids)))));
      }
      case ALL_ROOMS -> {
        if (own || requestId == null) {
          return;
        }
        respond(request, Wire.json(new JsonObject().put("requestId", requestId).put("rooms", new JsonArray(List.copyOf(rooms())))));
      }
      case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> {
        if (own) {
          return; // applied locally when sent
        }
        onRemoteOperation(type.intValue(), request, requestId);
      }
      case REMOTE_FETCH -> {
        if (own || requestId == null) {
          return;
        }
        JsonArray sockets = localSocketsJson(Wire.options(request.getValue("opts")));
        respond(request, Wire.json(new JsonObject().put("requestId", requestId).put("sockets", sockets)));
      }
      case SERVER_SIDE_EMIT -> {
        if (own || !(request.getValue("data") instanceof JsonArray data)) {
          return;
        }
        if (requestId == null) {
          receiveServerSideEmit(data, reply -> {});
          return;
        }
        AtomicBoolean called = new AtomicBoolean();
        receiveServerSideEmit(data, reply -> {
          if (called.compareAndSet(false, true)) {
            // The npm adapter answers server-side emits on the shared response channel.
            JsonObject response = new JsonObject().put("type", SERVER_SIDE_EMIT).put("requestId", requestId).put("data", reply);
            link.publish(responseChannel, Wire.json(response), false).onFailure(e -> warnDropped("serverSideEmit answer", e));
          }
        });
      }
      case BROADCAST -> {
        if (own || requestId == null || ackRequests.containsKey(requestId)) {
          return;
        }
        Packet packet = Wire.packet(request.getValue("packet"), namespace().name());
        if (packet == null) {
          return;
        }
        broadcastWithAckLocally(packet, Wire.options(request.getValue("opts")),
            count -> respond(request, Wire.json(new JsonObject().put("type", BROADCAST_CLIENT_COUNT).put("requestId", requestId).put("clientCount", count))),
            ack -> respond(request, Msgpack.encode(new JsonObject().put("type", BROADCAST_ACK).put("requestId", requestId)
                .put("packet", Wire.first(ack)))));
      }
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring request type " + type);
    }
  }

  private void onRemoteOperation(int type, JsonObject request, String requestId) {
    if (request.getValue("opts") != null) {
      BroadcastOptions targets = Wire.options(request.getValue("opts"));
      switch (type) {
        case REMOTE_JOIN -> addLocally(targets, Wire.strings(request.getValue("rooms")));
        case REMOTE_LEAVE -> delLocally(targets, Wire.strings(request.getValue("rooms")));
        default -> disconnectLocally(targets, Boolean.TRUE.equals(request.getValue("close")));
      }
      return;
    }
    // The older form: one socket id and one room, answered.
    Socket socket = namespace().socket(String.valueOf(request.getValue("sid")));
    if (socket == null) {
      return;
    }
    String room = String.valueOf(request.getValue("room"));
    switch (type) {
      case REMOTE_JOIN -> socket.join(room);
      case REMOTE_LEAVE -> socket.leave(room);
      default -> socket.disconnect(Boolean.TRUE.equals(request.getValue("close")));
    }
    if (requestId != null) {
      respond(request, Wire.json(new JsonObject().put("requestId", requestId)));
    }
  }

  private void respond(JsonObject request, byte[] response) {
    String target = options.publishOnSpecificResponseChannel() && request.getValue("uid") instanceof String requester
        ? responseChannel + requester + "#"
        : responseChannel;
    link.publish(target, response, false).onFailure(e -> warnDropped("response", e));
  }

  private void onResponse(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject response) || !(response.getValue("requestId") instanceof String requestId)) {
      return;
    }
    AckCollector collector = ackRequests.get(requestId);
    if (collector != null) {
      Object type = response.getValue("type");
      if (type instanceof Number t && t.intValue() == BROADCAST_CLIENT_COUNT && response.getValue("clientCount") instanceof Number n) {
        collector.clientCount(n.intValue());
      } else if (type instanceof Number t && t.intValue() == BROADCAST_ACK) {
        collector.ack(new JsonArray().add(Wire.raw(response, "packet")));
      }
      return;
    }
    PendingRequest request = pending.get(requestId);
    if (request != null) {
      request.onResponse(response);
    }
  }
}
