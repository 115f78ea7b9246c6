package chat.nexus.socketio;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.adapter.BroadcastOptions;
import chat.nexus.socketio.adapter.PersistedSession;
import chat.nexus.socketio.adapter.Recipient;
import chat.nexus.socketio.parser.Packet;
import chat.nexus.socketio.parser.PacketType;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A client's connection to one namespace. Handlers ({@link #on}, {@link #onDisconnect}) run on the
 * connection's event loop; register them in the namespace's connection handler. Sending methods are
 * thread-safe. The namespace's adapter reaches it as a {@link Recipient}.
 */
public final class Socket implements RemoteSocket, Recipient {

  private static final System.Logger LOG = System.getLogger(Socket.class.getName());

  private final String id;
  private final String pid;
  private final Namespace namespace;
  private final Client client;
  private final Handshake handshake;
  private final PersistedSession previous;
  private volatile boolean connected;
  private volatile Map<String, Object> data;
  private Map<String, List<Handler<Event>>> listeners;
  private List<Handler<Event>> anyListeners;
  private List<Handler<String>> disconnectingHandlers;
  private List<Handler<String>> disconnectHandlers;
  private PendingAcks acks;

  Socket(
      Namespace namespace,
      Client client,
      Handshake handshake,
      PersistedSession previous,
      String newId,
      String newPid) {
    this.namespace = namespace;
    this.client = client;
    this.handshake = handshake;
    this.previous = previous;
    this.id = previous != null ? previous.sid() : newId;
    this.pid = previous != null ? previous.pid() : newPid;
    if (previous != null && previous.data() != null && !previous.data().isEmpty()) {
      data().putAll(previous.data());
    }
  }

  @Override
  public String id() {
    return id;
  }

  public Namespace namespace() {
    return namespace;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  /** Whether this socket took over a previous session (connection state recovery). */
  public boolean recovered() {
    return previous != null;
  }

  public boolean connected() {
    return connected;
  }

  /** The Engine.IO session id of the connection, which its sockets of every namespace share. */
  public String connectionId() {
    return client.engine().id();
  }

  /** The Engine.IO transport in use: "websocket" or "polling". */
  public String transport() {
    return client.engine().transportName();
  }

  @Override
  public Map<String, Object> data() {
    Map<String, Object> current = data;
    if (current == null) {
      synchronized (this) {
        current = data;
        if (current == null) {
          current = new ConcurrentHashMap<>(4);
          data = current;
        }
      }
    }
    return current;
  }

  @Override
  public Set<String> rooms() {
    return namespace.adapter().socketRooms(id);
  }

  /** Whether the socket is in the room: {@code rooms().contains(room)} without the copy. */
  public boolean isIn(String room) {
    return namespace.adapter().isIn(id, room);
  }

  /** Handles an event from the client. */
  public Socket on(String event, Handler<Event> handler) {
    if (listeners == null) {
      listeners = new HashMap<>(4);
    }
    listeners.computeIfAbsent(event, e -> new ArrayList<>(1)).add(handler);
    return this;
  }

  /** Handles every event from the client, before the named handlers. */
  public Socket onAny(Handler<Event> handler) {
    anyListeners = added(anyListeners, handler);
    return this;
  }

  /** Called with the reason just before the socket leaves its rooms. */
  public Socket onDisconnecting(Handler<String> handler) {
    disconnectingHandlers = added(disconnectingHandlers, handler);
    return this;
  }

  /** Called once with the reason (see {@link DisconnectReason}) when the socket is gone. */
  public Socket onDisconnect(Handler<String> handler) {
    disconnectHandlers = added(disconnectHandlers, handler);
    return this;
  }

  /** Sends an event to this client. */
  @Override
  public void emit(String event, Object... args) {
    Packet packet = Packet.of(PacketType.EVENT, namespace.name(), Packet.eventData(event, args));
    if (namespace.server().options().recoveryEnabled()) {
      // Through the adapter so that the packet gets an offset and is replayed after a reconnection;
      // local: the socket is on this node, a cluster adapter has nothing to tell the others.
      namespace
          .adapter()
          .broadcast(packet, new BroadcastOptions(Set.of(id), Set.of(), true, false));
    } else {
      sendFrames(namespace.encode(packet));
    }
  }

  /** Sends an event; completes with the client's ack arguments, waiting until it disconnects. */
  public Future<JsonArray> emitWithAck(String event, Object... args) {
    return emitWithAck(-1, event, args);
  }

  /** An emitter whose acks fail with a TimeoutException after {@code ms}. */
  public AckEmitter timeout(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("timeout must be positive, got " + ms);
    }
    return (event, args) -> emitWithAck(ms, event, args);
  }

  private Future<JsonArray> emitWithAck(long timeoutMs, String event, Object... args) {
    JsonArray data = Packet.eventData(event, args);
    long ackId = namespace.nextAckId();
    Packet packet = new Packet(PacketType.EVENT, namespace.name(), data, ackId);
    Promise<JsonArray> promise = Promise.promise();
    sendWithAck(namespace.encode(packet), ackId, promise);
    if (timeoutMs > 0) {
      Runnable expire = () -> client.engine().execute(() -> expired(ackId));
      client.engine().eventLoop().schedule(expire, timeoutMs, TimeUnit.MILLISECONDS);
    }
    return promise.future();
  }

  @Override
  public void join(String... rooms) {
    namespace.adapter().addAll(id, Set.of(rooms));
  }

  @Override
  public void leave(String room) {
    namespace.adapter().del(id, room);
  }

  /** Broadcasts to these rooms, except to this socket. */
  public BroadcastOperator to(String... rooms) {
    return BroadcastOperator.all(namespace).to(rooms).except(id);
  }

  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  public BroadcastOperator except(String... rooms) {
    return broadcast().except(rooms);
  }

  /** Broadcasts to every socket of the namespace but this one. */
  public BroadcastOperator broadcast() {
    return BroadcastOperator.all(namespace).except(id);
  }

  /**
   * Disconnects from this namespace ("server namespace disconnect": the client does not reconnect);
   * with {@code close}, closes the whole connection.
   */
  @Override
  public void disconnect(boolean close) {
    client
        .engine()
        .execute(
            () -> {
              if (!connected) {
                return;
              }
              if (close) {
                client.disconnectAll();
              } else {
                sendFrames(
                    namespace.encode(Packet.of(PacketType.DISCONNECT, namespace.name(), null)));
                onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
              }
            });
  }

  /** Closes the connection, no DISCONNECT packet (socket.conn.close()): the client reconnects. */
  public void closeConnection() {
    client.engine().close();
  }

  /** The event loop that writes to this client. */
  @Override
  public EventLoop writeLoop() {
    return client.engine().writeLoop();
  }

  @Override
  public boolean isWritable() {
    return client.engine().isWritable();
  }

  @Override
  public void sendFrames(List<OutFrame> frames) {
    if (connected) {
      client.engine().send(frames);
    }
  }

  @Override
  public void sendWithAck(List<OutFrame> frames, long ackId, Promise<JsonArray> promise) {
    client
        .engine()
        .execute(
            () -> {
              if (!connected) {
                promise.tryFail("socket has been disconnected");
                return;
              }
              if (acks == null) {
                acks = new PendingAcks();
              }
              acks.add(ackId, promise);
              client.engine().send(frames);
            });
  }

  // ---- called by Client on the connection's event loop ----

  void onConnect() {
    connected = true;
    namespace.add(this);
    if (previous != null) {
      namespace.adapter().addAll(id, previous.rooms());
    }
    JsonObject ack = new JsonObject().put("sid", id);
    if (namespace.server().options().recoveryEnabled()) {
      ack.put("pid", pid);
    }
    sendFrames(namespace.encode(Packet.of(PacketType.CONNECT, namespace.name(), ack)));
    if (previous != null) {
      for (JsonArray missed : previous.missedPackets()) {
        sendFrames(namespace.encode(Packet.of(PacketType.EVENT, namespace.name(), missed)));
      }
    }
  }

  void onPacket(Packet packet) {
    switch (packet.type()) {
      case EVENT, BINARY_EVENT -> onEvent(packet);
      case ACK, BINARY_ACK -> onAck(packet);
      case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
      default -> LOG.log(Level.DEBUG, () -> "ignoring " + packet.type() + " from " + id);
    }
  }

  private void onEvent(Packet packet) {
    JsonArray data = (JsonArray) packet.data();
    String name = String.valueOf(data.getValue(0));
    JsonArray args = new JsonArray(new ArrayList<>(data.getList().subList(1, data.size())));
    Event event = new Event(this, name, args, packet.id());
    if (anyListeners != null) {
      for (Handler<Event> handler : anyListeners) {
        dispatch(handler, event);
      }
    }
    List<Handler<Event>> handlers = listeners != null ? listeners.get(name) : null;
    if (handlers != null) {
      for (Handler<Event> handler : handlers) {
        dispatch(handler, event);
      }
    }
  }

  private void dispatch(Handler<Event> handler, Event event) {
    try {
      handler.handle(event);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "handler for event '" + event.name() + "' failed on socket " + id, e);
    }
  }

  private void expired(long ackId) {
    if (acks != null) {
      acks.expired(ackId);
    }
  }

  private void onAck(Packet packet) {
    if (acks != null) {
      acks.answered(packet.id(), (JsonArray) packet.data());
    }
  }

  void sendAck(long ackId, Object[] values) {
    JsonArray data = new JsonArray(new ArrayList<>(values.length));
    for (Object value : values) {
      data.add(value);
    }
    sendFrames(namespace.encode(new Packet(PacketType.ACK, namespace.name(), data, ackId)));
  }

  void onClose(String reason) {
    if (!connected) {
      return;
    }
    fire(disconnectingHandlers, reason);
    if (namespace.server().options().recoveryEnabled()
        && DisconnectReason.RECOVERABLE.contains(reason)) {
      Map<String, Object> kept = data == null ? Map.of() : new HashMap<>(data);
      namespace.adapter().persistSession(new PersistedSession(id, pid, rooms(), kept, List.of()));
    }
    namespace.adapter().delAll(id);
    namespace.remove(this);
    client.remove(this);
    connected = false;
    if (acks != null) {
      acks.failAll("socket has been disconnected");
      acks = null;
    }
    fire(disconnectHandlers, reason);
  }

  /** Handler lists are made at their first handler: most sockets never get one. */
  private static <T> List<T> added(List<T> list, T item) {
    List<T> to = list != null ? list : new ArrayList<>(1);
    to.add(item);
    return to;
  }

  private void fire(List<Handler<String>> handlers, String reason) {
    if (handlers == null) {
      return;
    }
    for (Handler<String> handler : handlers) {
      try {
        handler.handle(reason);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "disconnect handler failed on socket " + id, e);
      }
    }
  }

  @Override
  public String toString() {
    return "Socket[" + namespace.name() + " " + id + "]";
  }
}
