package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;

/**
 * The classic Redis adapter, wire-compatible with npm {@code @socket.io/redis-adapter} 8.x's {@code
 * createAdapter} and with {@code @socket.io/redis-emitter}:
 *
 * <ul>
 *   <li>broadcasts: msgpack {@code [uid, packet, {rooms, except, flags}]} published on {@code
 *       key#nsp#} (or {@code key#nsp#room#} for a single room); every node listens on the pattern
 *       {@code key#nsp#*} and drops messages for rooms it does not have before decoding them;
 *   <li>requests (remote join/leave/disconnect, fetchSockets, serverSideEmit, broadcasts with acks)
 *       on {@code key-request#nsp#}, answers on {@code key-response#nsp#} or the requester's {@code
 *       key-response#nsp#uid#}; JSON, except BROADCAST and BROADCAST_ACK (msgpack);
 *   <li>the number of nodes is the number of subscribers of the request channel (PUBSUB NUMSUB).
 * </ul>
 *
 * <p>Local delivery never waits for Redis: a broadcast is published (or dropped when Redis is down)
 * and delivered to this node's sockets at once. A broadcast from another node is decoded and
 * encoded once on the subscriber connection's event loop and the same frames are written to every
 * local recipient.
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

  RedisAdapter(
      Namespace namespace, InMemoryAdapter local, RedisLink link, RedisAdapterOptions options) {
    super(namespace, local, link, options);
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
            link.subscribe(SubscriptionKind.PATTERN, channel + "*", this::onBroadcast),
            link.subscribe(SubscriptionKind.CHANNEL, requestChannel, this::onRequest),
            link.subscribe(SubscriptionKind.CHANNEL, responseChannel, this::onResponse),
            link.subscribe(SubscriptionKind.CHANNEL, specificResponseChannel, this::onResponse))
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    link.unsubscribe(SubscriptionKind.PATTERN, channel + "*");
    link.unsubscribe(SubscriptionKind.CHANNEL, requestChannel);
    link.unsubscribe(SubscriptionKind.CHANNEL, responseChannel);
    link.unsubscribe(SubscriptionKind.CHANNEL, specificResponseChannel);
    return Future.succeededFuture();
  }

  // ---- outgoing ----

  @Override
  String newRequestId() {
    return Wire.uid(UID_LENGTH);
  }

  /** The number of nodes: subscribers of the request channel. */
  @Override
  Request countNodesRequest() {
    return Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(requestChannel);
  }

  @Override
  void publishBroadcast(Packet packet, BroadcastOptions options) {
    try {
      byte[] message =
          Msgpack.encode(
              new JsonArray().add(uid).add(Wire.packet(packet)).add(Wire.options(options, null)));
      String target =
          options.rooms().size() == 1 ? channel + options.rooms().iterator().next() + "#" : channel;
      link.publish(target, message, false).onFailure(e -> warnDropped("broadcast", e));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Redis adapter: broadcast not published (cannot encode it): " + e.getMessage());
    }
  }

  @Override
  Future<Void> publishBroadcastWithAck(
      String requestId, Packet packet, BroadcastOptions options, long timeoutMs) {
    JsonObject request =
        new JsonObject()
            .put("uid", uid)
            .put("requestId", requestId)
            .put("type", BROADCAST)
            .put("packet", Wire.packet(packet))
            .put("opts", Wire.options(options, timeoutMs));
    return link.publish(requestChannel, Msgpack.encode(request), false);
  }

  /**
   * Asks the other nodes to apply a join/leave/disconnect to their sockets; this node applies its
   * own.
   */
  @Override
  void publishOperation(Operation operation, BroadcastOptions options, JsonObject fields) {
    int type =
        switch (operation) {
          case JOIN -> REMOTE_JOIN;
          case LEAVE -> REMOTE_LEAVE;
          case DISCONNECT -> REMOTE_DISCONNECT;
        };
    JsonObject request =
        new JsonObject()
            .put("uid", uid)
            .put("type", type)
            .put("opts", roomsOnly(options))
            .mergeIn(fields);
    link.publish(requestChannel, Wire.json(request), false)
        .onFailure(e -> warnDropped("remote operation", e));
  }

  @Override
  Future<Void> publishFetchSockets(String requestId, BroadcastOptions options) {
    JsonObject request =
        new JsonObject()
            .put("uid", uid)
            .put("requestId", requestId)
            .put("type", REMOTE_FETCH)
            .put("opts", roomsOnly(options));
    return link.publish(requestChannel, Wire.json(request), false);
  }

  /** The npm adapter's message, not socket.io-adapter's. */
  @Override
  String fetchSocketsTimeout(int received, int expected) {
    return "timeout reached while waiting for fetchSockets response";
  }

  @Override
  Future<Void> publishServerSideEmit(JsonArray args, String requestId) {
    JsonObject request = new JsonObject().put("uid", uid);
    if (requestId != null) {
      request.put("requestId", requestId);
    }
    request.put("type", SERVER_SIDE_EMIT).put("data", args);
    return link.publish(requestChannel, Wire.json(request), false);
  }

  @Override
  Object serverSideEmitReply(JsonObject answer) {
    return Wire.raw(answer, "data");
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
    String room =
        from.length() > channel.length() ? from.substring(channel.length(), from.length() - 1) : "";
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
    if (!(Wire.decode(payload) instanceof JsonObject request)
        || !(request.getValue("type") instanceof Number type)) {
      return;
    }
    String requestId = request.getValue("requestId") instanceof String id ? id : null;
    boolean own = uid.equals(request.getValue("uid"));
    boolean answerable = !own && requestId != null;
    switch (type.intValue()) {
      case SOCKETS -> {
        if (answerable) {
          JsonArray ids = new JsonArray(List.copyOf(sockets(requestedRooms(request))));
          answer(request, requestId, "sockets", ids);
        }
      }
      case ALL_ROOMS -> {
        if (answerable) {
          answer(request, requestId, "rooms", new JsonArray(List.copyOf(rooms())));
        }
      }
      case REMOTE_JOIN -> onRemoteOperation(Operation.JOIN, own, request, requestId);
      case REMOTE_LEAVE -> onRemoteOperation(Operation.LEAVE, own, request, requestId);
      case REMOTE_DISCONNECT -> onRemoteOperation(Operation.DISCONNECT, own, request, requestId);
      case REMOTE_FETCH -> {
        if (answerable) {
          answer(request, requestId, "sockets", localSocketsJson(requestOptions(request)));
        }
      }
      case SERVER_SIDE_EMIT -> {
        if (!own && request.getValue("data") instanceof JsonArray data) {
          onServerSideEmit(data, requestId);
        }
      }
      case BROADCAST -> {
        if (answerable && !ackRequests.containsKey(requestId)) {
          onBroadcastWithAck(request, requestId);
        }
      }
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring request type " + type);
    }
  }

  private static Set<String> requestedRooms(JsonObject request) {
    return Wire.strings(request.getValue("rooms"));
  }

  private static BroadcastOptions requestOptions(JsonObject request) {
    return Wire.options(request.getValue("opts"));
  }

  /** The response of this node to a request from another: {requestId, field: value}. */
  private void answer(JsonObject request, String requestId, String field, JsonArray value) {
    respond(request, Wire.json(new JsonObject().put("requestId", requestId).put(field, value)));
  }

  private void onServerSideEmit(JsonArray data, String requestId) {
    receiveServerSideEmit(
        data,
        requestId,
        reply -> {
          // The npm adapter answers server-side emits on the shared response channel.
          JsonObject response =
              new JsonObject()
                  .put("type", SERVER_SIDE_EMIT)
                  .put("requestId", requestId)
                  .put("data", reply);
          link.publish(responseChannel, Wire.json(response), false)
              .onFailure(e -> warnDropped("serverSideEmit answer", e));
        });
  }

  /** Delivers another node's broadcast with acks here, then tells it the count and each ack. */
  private void onBroadcastWithAck(JsonObject request, String requestId) {
    Packet packet = Wire.packet(request.getValue("packet"), namespace().name());
    if (packet == null) {
      return;
    }
    broadcastWithAckLocally(
        packet,
        requestOptions(request),
        count ->
            respond(
                request,
                Wire.json(
                    new JsonObject()
                        .put("type", BROADCAST_CLIENT_COUNT)
                        .put("requestId", requestId)
                        .put("clientCount", count))),
        ack ->
            respond(
                request,
                Msgpack.encode(
                    new JsonObject()
                        .put("type", BROADCAST_ACK)
                        .put("requestId", requestId)
                        .put("packet", Wire.first(ack)))));
  }

  private void onRemoteOperation(
      Operation operation, boolean own, JsonObject request, String requestId) {
    if (own) {
      return; // applied locally when sent
    }
    if (request.getValue("opts") != null) {
      applyLocally(operation, Wire.options(request.getValue("opts")), request);
      return;
    }
    // The older form: one socket id and one room, answered.
    Socket socket = namespace().socket(String.valueOf(request.getValue("sid")));
    if (socket == null) {
      return;
    }
    String room = String.valueOf(request.getValue("room"));
    switch (operation) {
      case JOIN -> socket.join(room);
      case LEAVE -> socket.leave(room);
      case DISCONNECT -> socket.disconnect(Boolean.TRUE.equals(request.getValue("close")));
    }
    if (requestId != null) {
      respond(request, Wire.json(new JsonObject().put("requestId", requestId)));
    }
  }

  private void respond(JsonObject request, byte[] response) {
    String target =
        options.publishOnSpecificResponseChannel()
                && request.getValue("uid") instanceof String requester
            ? responseChannel + requester + "#"
            : responseChannel;
    link.publish(target, response, false).onFailure(e -> warnDropped("response", e));
  }

  private void onResponse(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject response)
        || !(response.getValue("requestId") instanceof String requestId)) {
      return;
    }
    if (ackRequests.containsKey(requestId)) {
      Object type = response.getValue("type");
      if (type instanceof Number t && t.intValue() == BROADCAST_CLIENT_COUNT) {
        clientCountReceived(requestId, response.getValue("clientCount"));
      } else if (type instanceof Number t && t.intValue() == BROADCAST_ACK) {
        ackReceived(requestId, Wire.raw(response, "packet"));
      }
      return;
    }
    answerReceived(requestId, response);
  }
}
