package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

/**
 * The adapters that speak socket.io-adapter's ClusterAdapter messages {uid, nsp, type, data} (the
 * npm sharded adapter's and the streams adapter's): the message types, and how this node answers
 * the requests of another (fetchSockets, serverSideEmit, broadcasts with acks) and takes the
 * answers to its own, and how it publishes them on the namespace's channels. A subclass says how a
 * message is encoded ({@link #encode}) and whether its channels are sharded ones.
 */
abstract class ClusterMessageAdapter extends ClusterAdapter {

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

  /** This node's id in its messages; messages carrying it are its own and skipped. */
  final String uid = Wire.hexId();

  /** The namespace's channel, {@code key#nsp#}: requests go here. */
  final String channel;

  /** Where the other nodes answer this one: {@code key#nsp#uid#}. */
  final String responseChannel;

  ClusterMessageAdapter(
      Namespace namespace, InMemoryAdapter local, RedisLink link, RedisAdapterOptions options) {
    super(namespace, local, link, options);
    this.channel = options.key() + "#" + namespace.name() + "#";
    this.responseChannel = channel + uid + "#";
  }

  /** A message {uid, nsp, type, data} as this adapter puts it on the wire. */
  abstract byte[] encode(JsonObject message, int type);

  /** Whether the channels are sharded ones (SPUBLISH). */
  abstract boolean shardedChannels();

  /** Sends an answer to the node {@code requesterUid} that asked. */
  void respond(String requesterUid, int type, JsonObject data) {
    publish(channel + requesterUid + "#", type, data);
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
    sendOperation(type, new JsonObject().put("opts", Wire.options(options, null)).mergeIn(fields));
  }

  /**
   * How a room operation (join, leave, disconnect) reaches the other nodes: on the namespace's
   * channel, or as a stream entry that a recovering session replays.
   */
  abstract void sendOperation(int type, JsonObject data);

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

  /** A message of the ClusterAdapter protocol on a channel. */
  Future<Void> publish(String target, int type, JsonObject data) {
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
    return link.publish(target, bytes, shardedChannels()).onFailure(e -> warnDropped("message", e));
  }

  @Override
  String newRequestId() {
    return Wire.hexId();
  }

  @Override
  Object serverSideEmitReply(JsonObject answer) {
    return Wire.raw(answer, "packet");
  }

  /** The message types whose data the npm adapters check for binary before choosing JSON. */
  static boolean mayContainBinary(int type) {
    return type == BROADCAST
        || type == BROADCAST_ACK
        || type == FETCH_SOCKETS_RESPONSE
        || type == SERVER_SIDE_EMIT
        || type == SERVER_SIDE_EMIT_RESPONSE;
  }

  static JsonObject data(JsonObject message) {
    return message.getValue("data") instanceof JsonObject data ? data : new JsonObject();
  }

  static String requestId(JsonObject data) {
    return data.getValue("requestId") instanceof String id ? id : null;
  }

  /** Which sockets a message from another node is for. */
  static BroadcastOptions targets(JsonObject data) {
    return Wire.options(data.getValue("opts"));
  }

  /**
   * Whether a decoded message is another node's, for this namespace: the sender's uid, or null when
   * it is this node's own or another namespace's.
   */
  String sender(JsonObject message) {
    Object sender = message.getValue("uid");
    Object nsp = message.getValue("nsp");
    if (uid.equals(sender) || nsp != null && !namespace().name().equals(nsp)) {
      return null;
    }
    return String.valueOf(sender);
  }

  /**
   * Answers another node's fetchSockets or serverSideEmit, or takes an answer to this node's
   * request; other types are logged and skipped.
   */
  void onRequestOrAnswer(int type, String requester, JsonObject data) {
    String requestId = requestId(data);
    switch (type) {
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
          onAnswer(type, data);
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring message type " + type);
    }
  }

  /** An answer to a request of this node. */
  void onAnswer(int type, JsonObject data) {
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

  /** Another node's broadcast with acks: delivered here, then the count and each ack answered. */
  void onBroadcastWithAck(String requester, String requestId, Packet packet, JsonObject data) {
    broadcastWithAckLocally(
        packet,
        targets(data),
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
}
