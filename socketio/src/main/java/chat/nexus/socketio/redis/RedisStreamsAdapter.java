package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import chat.nexus.socketio.adapter.PersistedSession;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Redis Streams adapter, wire-compatible with npm {@code @socket.io/redis-streams-adapter} 0.3:
 * socket.io-adapter's ClusterAdapter messages, where
 *
 * <ul>
 *   <li>broadcasts and room operations (join, leave, disconnect) are entries of one stream (see
 *       {@link StreamEntries}), read by every node with XREAD ({@link StreamReader}); a broadcast's
 *       entry id is the offset its clients get;
 *   <li>what needs no replay (broadcasts with acks, fetchSockets, serverSideEmit) is msgpack
 *       published on {@code key#nsp#}, answers on the requester's {@code key#nsp#uid#};
 *   <li>the number of nodes is the number of subscribers of {@code key#nsp#};
 *   <li>disconnected sessions live in Redis ({@link StreamSessions}), so a client recovers its
 *       session and missed packets on whichever node it reconnects to.
 * </ul>
 *
 * <p>With recovery on, a broadcast is delivered to this node's sockets once Redis gave its entry id
 * (one round trip), so that its clients get the same offset as the other nodes' clients; when Redis
 * is down it is delivered at once, without offset. A socket's own emits are entries too (flagged
 * local: other nodes skip them), so that they are replayed after a reconnection.
 */
final class RedisStreamsAdapter extends ClusterMessageAdapter {

  private final SubscriptionKind kind;
  private final RedisStreamsOptions streams;
  private final StreamReader reader;
  private final StreamSessions sessions;
  private final StreamReader.Consumer consumer = this::onEntry;

  /** Entries not added because Redis was down or too slow (the link counts its publishes). */
  private final LongAdder dropped;

  RedisStreamsAdapter(
      Namespace namespace,
      InMemoryAdapter local,
      RedisLink link,
      RedisAdapterOptions options,
      StreamReader reader,
      LongAdder dropped) {
    super(namespace, local, link, options);
    this.streams = options.streams().orElseThrow();
    this.kind = options.sharded() ? SubscriptionKind.SHARD : SubscriptionKind.CHANNEL;
    this.reader = reader;
    this.dropped = dropped;
    this.sessions = new StreamSessions(link, streams, namespace.name());
  }

  @Override
  public Future<Void> init() {
    reader.register(namespace().name(), consumer);
    return Future.all(
            link.subscribe(kind, channel, this::onPublished),
            link.subscribe(kind, responseChannel, this::onPublished))
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    reader.unregister(namespace().name(), consumer);
    link.unsubscribe(kind, channel);
    link.unsubscribe(kind, responseChannel);
    return Future.succeededFuture();
  }

  private boolean recovery() {
    return namespace().server().options().recoveryEnabled();
  }

  // ---- sessions: in Redis, for every node ----

  @Override
  public void persistSession(PersistedSession session) {
    if (recovery()) {
      sessions.persist(session, namespace().server().options().maxDisconnectionDurationMs());
    }
  }

  /**
   * How long a reconnecting client waits for its session from Redis before it gets a new one: a
   * stalled Redis (one that accepts commands and does not answer) must not hold every reconnection.
   */
  static final long RESTORE_WAIT_MS = 2_000;

  /**
   * How long a replayable broadcast waits for its stream offset before this node delivers it
   * without one: a stalled Redis must not hold delivery to the node's own sockets.
   */
  static final long OFFSET_WAIT_MS = 500;

  @Override
  public Future<PersistedSession> restoreSession(String pid, String offset) {
    return sessions.restore(pid, offset).timeout(RESTORE_WAIT_MS, TimeUnit.MILLISECONDS);
  }

  // ---- outgoing ----

  @Override
  Request countNodesRequest() {
    return Request.cmd(Command.PUBSUB)
        .arg(kind == SubscriptionKind.SHARD ? "SHARDNUMSUB" : "NUMSUB")
        .arg(channel);
  }

  /** Whether a broadcast gets an offset: the reference server's rule for what is replayed. */
  private boolean replayable(Packet packet, BroadcastOptions options) {
    return recovery()
        && packet.type() == PacketType.EVENT
        && !packet.hasId()
        && !options.volatileOnly();
  }

  /**
   * A local broadcast goes into the stream only when it is replayable and addressed to sockets of
   * this node by id (a socket's own emits): any server can then replay it to its session, and other
   * servers, Node.js ones included, have nobody to deliver it to. Other local broadcasts, which
   * another server would deliver to its own sockets, stay here without offset.
   */
  private boolean toOwnSockets(BroadcastOptions options) {
    return !options.rooms().isEmpty()
        && options.rooms().stream().allMatch(room -> namespace().socket(room) != null);
  }

  @Override
  public void broadcast(Packet packet, BroadcastOptions options) {
    boolean replayable = replayable(packet, options);
    if (options.local() && !(replayable && toOwnSockets(options))) {
      local.broadcast(packet, options);
      return;
    }
    Future<String> appended = append(BROADCAST, broadcastData(packet, options));
    if (!replayable) {
      local.broadcast(packet, options);
      return;
    }
    appended
        .timeout(OFFSET_WAIT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            offset -> {
              if (offset.failed()) {
                local.broadcast(packet, options);
                return;
              }
              // A copy: the offset must not be appended to the caller's array.
              JsonArray data =
                  new JsonArray(new ArrayList<>(((JsonArray) packet.data()).getList()));
              data.add(offset.result());
              local.broadcast(
                  new Packet(packet.type(), packet.namespace(), data, packet.id()), options);
            });
  }

  @Override
  void publishBroadcast(Packet packet, BroadcastOptions options) {
    append(BROADCAST, broadcastData(packet, options));
  }

  private static JsonObject broadcastData(Packet packet, BroadcastOptions options) {
    return new JsonObject().put("packet", Wire.packet(packet)).put("opts", streamOptions(options));
  }

  /** The options on the wire, with the local flag: other nodes skip a local entry. */
  private static JsonObject streamOptions(BroadcastOptions options) {
    JsonObject json = Wire.options(options, null);
    if (options.local()) {
      json.getJsonObject("flags").put("local", true);
    }
    return json;
  }

  static boolean isLocal(JsonObject opts) {
    return opts.getValue("flags") instanceof JsonObject flags
        && Boolean.TRUE.equals(flags.getValue("local"));
  }

  /** XADD of a message; completes with its entry id, fails (logged) when Redis is down. */
  private Future<String> append(int type, JsonObject data) {
    Request xadd;
    try {
      xadd =
          StreamEntries.xadd(
              streams.streamName(), streams.maxLen(), uid, namespace().name(), type, data);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Redis adapter: message not published (cannot encode it): " + e.getMessage());
      return Future.failedFuture(e);
    }
    return link.send(xadd)
        .map(id -> id.toString())
        .onFailure(
            e -> {
              dropped.increment();
              warnDropped("stream entry", e);
            });
  }

  @Override
  void sendOperation(int type, JsonObject data) {
    append(type, data);
  }

  /** Requests and answers are msgpack, as the npm streams adapter sends them. */
  @Override
  byte[] encode(JsonObject message, int type) {
    return Msgpack.encode(message);
  }

  @Override
  boolean shardedChannels() {
    return kind == SubscriptionKind.SHARD;
  }

  // ---- incoming: stream entries ----

  private void onEntry(StreamEntries.Entry entry) {
    if (uid.equals(entry.uid())) {
      return;
    }
    JsonObject data = entry.data();
    switch (entry.type()) {
      case BROADCAST -> onBroadcastEntry(entry.id(), data);
      case SOCKETS_JOIN -> applyLocally(Operation.JOIN, targets(data), data);
      case SOCKETS_LEAVE -> applyLocally(Operation.LEAVE, targets(data), data);
      case DISCONNECT_SOCKETS -> applyLocally(Operation.DISCONNECT, targets(data), data);
      default -> LOG.log(Level.DEBUG, () -> "Redis adapter: ignoring entry type " + entry.type());
    }
  }

  /** Another node's broadcast: delivered here with its entry id as offset when replayable. */
  private void onBroadcastEntry(String id, JsonObject data) {
    JsonObject opts = data.getValue("opts") instanceof JsonObject o ? o : new JsonObject();
    if (isLocal(opts) || data.getValue("requestId") != null) {
      return;
    }
    Packet packet = Wire.packet(data.getValue("packet"), namespace().name());
    if (packet == null) {
      return;
    }
    BroadcastOptions targets = Wire.options(opts);
    boolean withId =
        data.getValue("packet") instanceof JsonObject raw && raw.getValue("id") != null;
    if (!withId && replayable(packet, targets)) {
      ((JsonArray) packet.data()).add(id);
    }
    deliverLocally(packet, targets);
  }

  // ---- incoming: published messages and answers ----

  private void onPublished(String from, byte[] payload) {
    if (!(Wire.decode(payload) instanceof JsonObject message)
        || !(message.getValue("type") instanceof Number type)) {
      return;
    }
    String requester = sender(message);
    if (requester == null) {
      return;
    }
    JsonObject data = data(message);
    if (type.intValue() != BROADCAST) {
      onRequestOrAnswer(type.intValue(), requester, data);
      return;
    }
    // Broadcasts without acks come through the stream.
    String requestId = requestId(data);
    Packet packet = Wire.packet(data.getValue("packet"), namespace().name());
    if (requestId != null && packet != null) {
      onBroadcastWithAck(requester, requestId, packet, data);
    }
  }
}
