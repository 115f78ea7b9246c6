package chat.nexus.socketio.admin;

import chat.nexus.socketio.BroadcastOperator;
import chat.nexus.socketio.Event;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of the official Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5, its {@code
 * instrument()}): an admin namespace behind {@link AdminAuth} that sends the UI each node's figures
 * ({@code server_stats}) and, in development mode, every socket with its rooms and the events
 * clients send (see {@link SocketWatch}); the UI may disconnect sockets and make them leave (or,
 * when allowed, join) rooms.
 *
 * <p>Everything goes to the admin namespace through its adapter, so with a cluster adapter one UI
 * connection sees every node: each node's figures and socket news are broadcasts, the socket list
 * is a fetchSockets over the cluster, and the UI's actions are remote
 * disconnectSockets/socketsLeave/socketsJoin. Install it once, before clients connect.
 */
public final class AdminUi {

  private static final System.Logger LOG = System.getLogger(AdminUi.class.getName());

  /** How often development mode looks for room joins and leaves. */
  static final long SCAN_INTERVAL_MS = 1_000;

  private final SocketIoServer io;
  private final AdminUiOptions options;
  private final Namespace admin;
  private final AdminAuth auth;
  private final ServerStats stats;
  private final SocketWatch watch;
  private final List<String> features = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();

  private AdminUi(SocketIoServer io, AdminUiOptions options) {
    this.io = io;
    this.options = options;
    this.admin = io.of(options.namespace());
    this.auth = new AdminAuth(options);
    this.stats = new ServerStats(io, options.serverId());
    this.watch = options.development() ? new SocketWatch(admin) : null;
    if (!options.readonly()) {
      features.addAll(List.of("LEAVE", "DISCONNECT", "MLEAVE", "MDISCONNECT"));
      if (options.allowJoin()) {
        features.addAll(List.of("JOIN", "MJOIN"));
      }
    }
    features.add("AGGREGATED_EVENTS");
    if (options.development()) {
      features.add("ALL_EVENTS");
    }
  }

  /** Creates the admin namespace and starts sending this node's figures. */
  public static AdminUi install(SocketIoServer io, AdminUiOptions options) {
    AdminUi ui = new AdminUi(io, options);
    ui.start();
    return ui;
  }

  public String namespace() {
    return admin.name();
  }

  /** Stops this node's reports (the namespace stays until the server closes). */
  public void close() {
    timers.forEach(io.vertx()::cancelTimer);
    timers.clear();
  }

  private void start() {
    admin.use(auth);
    admin.onConnection(this::welcome);
    for (String name : options.shown()) {
      io.of(name).onConnection(this::watch);
    }
    timers.add(
        io.vertx()
            .setPeriodic(
                options.statsIntervalMs(),
                id -> {
                  admin.emit("server_stats", stats.report());
                  auth.sweep();
                }));
    if (watch != null) {
      timers.add(io.vertx().setPeriodic(SCAN_INTERVAL_MS, id -> watch.scan()));
    }
  }

  private void watch(Socket socket) {
    stats.connected();
    socket.onDisconnect(stats::disconnected);
    if (watch != null) {
      watch.attach(socket);
    }
  }

  private void welcome(Socket socket) {
    String session = AdminAuth.takeNewSession(socket);
    if (session != null) {
      socket.emit("session", session);
    }
    socket.emit("config", new JsonObject().put("supportedFeatures", new JsonArray(features)));
    if (!options.readonly()) {
      socket.on("_disconnect", this::disconnect);
      socket.on("leave", this::leave);
      if (options.allowJoin()) {
        socket.on("join", this::join);
      }
    }
    if (options.development()) {
      allSockets().onSuccess(all -> socket.emit("all_sockets", all));
    }
  }

  /** {@code _disconnect(nsp, close, filter)}: the sockets in the filter room (all without one). */
  private void disconnect(Event event) {
    BroadcastOperator target = target(event, 2);
    if (target != null) {
      boolean close = Boolean.TRUE.equals(event.arg(1));
      audit(event, "disconnect" + (close ? " (closing their connections)" : ""));
      target.disconnectSockets(close);
    }
  }

  /** {@code leave(nsp, room, filter)}. */
  private void leave(Event event) {
    BroadcastOperator target = target(event, 2);
    if (target != null && event.arg(1) instanceof String room) {
      audit(event, "leave room " + room);
      target.socketsLeave(room);
    }
  }

  /** {@code join(nsp, room, filter)}. */
  private void join(Event event) {
    BroadcastOperator target = target(event, 2);
    if (target != null && event.arg(1) instanceof String room) {
      audit(event, "join room " + room);
      target.socketsJoin(room);
    }
  }

  /**
   * The sockets an action reaches: of a shown namespace (never one created by asking), in the
   * filter room (a socket id names one socket), every one without a filter; none when the filter is
   * not text, rather than every one.
   */
  private BroadcastOperator target(Event event, int filterIndex) {
    if (!(event.arg(0) instanceof String nsp) || !options.shown().contains(nsp)) {
      return null;
    }
    Namespace namespace = io.of(nsp);
    Object filter = event.arg(filterIndex);
    if (filter == null) {
      return namespace.except();
    }
    return filter instanceof String room ? namespace.in(room) : null;
  }

  private void audit(Event event, String action) {
    Object filter = event.arg(2);
    LOG.log(
        Level.INFO,
        () ->
            "admin UI ("
                + event.socket().handshake().address()
                + "): "
                + action
                + " for "
                + (filter instanceof String f ? "sockets in " + f : "every socket")
                + " of namespace "
                + event.arg(0));
  }

  /** Every socket of the shown namespaces, on every node (this node's alone if some node fails). */
  private Future<JsonArray> allSockets() {
    List<Future<List<JsonObject>>> each = new ArrayList<>();
    for (String name : options.shown()) {
      Namespace namespace = io.of(name);
      each.add(
          namespace
              .fetchSockets()
              .recover(e -> namespace.local().fetchSockets())
              .map(sockets -> views(sockets, name)));
    }
    return Future.all(each)
        .map(
            done -> {
              JsonArray all = new JsonArray();
              for (Future<List<JsonObject>> one : each) {
                one.result().forEach(all::add);
              }
              return all;
            });
  }

  private static List<JsonObject> views(List<RemoteSocket> sockets, String nsp) {
    return sockets.stream().map(s -> SocketView.of(s, nsp)).toList();
  }
}
