package chat.nexus.socketio;

import chat.nexus.engineio.OutFrame;
import chat.nexus.socketio.adapter.Adapter;
import chat.nexus.socketio.adapter.LocalSockets;
import chat.nexus.socketio.adapter.PacketFrames;
import chat.nexus.socketio.parser.Packet;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Socket.IO namespace: its middlewares, connection handlers, sockets and adapter (rooms,
 * broadcasts). Register middlewares and handlers before clients connect.
 */
public final class Namespace implements LocalSockets {

  private static final System.Logger LOG = System.getLogger(Namespace.class.getName());

  private final String name;
  private final SocketIoServer server;
  private final Adapter adapter;
  private final ConcurrentHashMap<String, Socket> sockets = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Middleware> middlewares = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Handler<Socket>> connectionHandlers =
      new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, BiConsumer<JsonArray, Consumer<Object>>>
      serverSideHandlers = new ConcurrentHashMap<>();
  private final AtomicLong ackIds = new AtomicLong();

  Namespace(String name, SocketIoServer server) {
    this.name = name;
    this.server = server;
    this.adapter = server.options().adapterFactory().apply(this);
  }

  public String name() {
    return name;
  }

  public SocketIoServer server() {
    return server;
  }

  public Adapter adapter() {
    return adapter;
  }

  /** Adds a middleware; it runs for every connection attempt, before the connection handlers. */
  public Namespace use(Middleware middleware) {
    middlewares.add(middleware);
    return this;
  }

  /**
   * Adds a handler called for every socket that connected (after the client got its CONNECT ack).
   */
  public Namespace onConnection(Handler<Socket> handler) {
    connectionHandlers.add(handler);
    return this;
  }

  /** Handles an event sent by another node with {@link #serverSideEmit}; args are [event, ...]. */
  public Namespace onServerSideEmit(String event, Handler<JsonArray> handler) {
    serverSideHandlers.put(event, (args, reply) -> handler.handle(args));
    return this;
  }

  /**
   * Handles an event sent by another node, and may answer it: {@code reply} (call it once) is the
   * acknowledgement that node's {@link #serverSideEmitWithAck} collects; a fire-and-forget event's
   * reply goes nowhere.
   */
  public Namespace onServerSideEmitWithAck(
      String event, BiConsumer<JsonArray, Consumer<Object>> handler) {
    serverSideHandlers.put(event, handler);
    return this;
  }

  public BroadcastOperator to(String... rooms) {
    return BroadcastOperator.all(this).to(rooms);
  }

  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  public BroadcastOperator except(String... rooms) {
    return BroadcastOperator.all(this).except(rooms);
  }

  public BroadcastOperator local() {
    return BroadcastOperator.all(this).local();
  }

  public BroadcastOperator asVolatile() {
    return BroadcastOperator.all(this).asVolatile();
  }

  public BroadcastOperator timeout(long ms) {
    return BroadcastOperator.all(this).timeout(ms);
  }

  /** Sends an event to every socket of the namespace. */
  public void emit(String event, Object... args) {
    BroadcastOperator.all(this).emit(event, args);
  }

  public Future<List<RemoteSocket>> fetchSockets() {
    return BroadcastOperator.all(this).fetchSockets();
  }

  public void socketsJoin(String... rooms) {
    BroadcastOperator.all(this).socketsJoin(rooms);
  }

  public void socketsLeave(String... rooms) {
    BroadcastOperator.all(this).socketsLeave(rooms);
  }

  public void disconnectSockets(boolean close) {
    BroadcastOperator.all(this).disconnectSockets(close);
  }

  /**
   * Sends an event to the other nodes' namespaces of the same name (none on a single node); no
   * answer.
   */
  public void serverSideEmit(String event, Object... args) {
    adapter.serverSideEmit(Packet.eventData(event, args), 0);
  }

  /**
   * Sends an event to the other nodes and collects one answer per node (each answer's arguments);
   * fails with a TimeoutException if some node did not answer within {@code timeoutMs}.
   */
  public Future<List<JsonArray>> serverSideEmitWithAck(
      long timeoutMs, String event, Object... args) {
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeoutMs);
    }
    return adapter.serverSideEmit(Packet.eventData(event, args), timeoutMs);
  }

  /** Called by cluster adapters with an event from another node. */
  public void receiveServerSideEmit(JsonArray args) {
    receiveServerSideEmit(args, reply -> {});
  }

  /** Called by cluster adapters with an event from another node that wants an answer. */
  public void receiveServerSideEmit(JsonArray args, Consumer<Object> reply) {
    if (args.isEmpty()) {
      return;
    }
    BiConsumer<JsonArray, Consumer<Object>> handler =
        serverSideHandlers.get(String.valueOf(args.getValue(0)));
    if (handler != null) {
      try {
        handler.accept(args, reply);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "server-side event handler of namespace " + name + " failed", e);
      }
    }
  }

  /** This node's connected sockets, by id. */
  @Override
  public Map<String, Socket> sockets() {
    return Collections.unmodifiableMap(sockets);
  }

  /** A connected socket of this node, or null. */
  @Override
  public Socket socket(String id) {
    return sockets.get(id);
  }

  /** Encodes a packet into the frames its recipients get. */
  List<OutFrame> encode(Packet packet) {
    return PacketFrames.of(packet);
  }

  /**
   * A new ack id for a packet of this namespace (cluster adapters number the broadcasts they
   * deliver).
   */
  public long nextAckId() {
    return ackIds.getAndIncrement();
  }

  List<Middleware> middlewares() {
    return middlewares;
  }

  void add(Socket socket) {
    sockets.put(socket.id(), socket);
  }

  void remove(Socket socket) {
    sockets.remove(socket.id(), socket);
  }

  void fireConnection(Socket socket) {
    for (Handler<Socket> handler : connectionHandlers) {
      try {
        handler.handle(socket);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "connection handler of namespace " + name + " failed", e);
      }
    }
  }
}
