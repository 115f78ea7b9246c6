package chat.nexus.socketio;

import chat.nexus.engineio.EngineIoServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Socket.IO v5 server on Vert.x: namespaces, middlewares, sockets, rooms and broadcasts over
 * Engine.IO v4. Mount it on one or more Vert.x HTTP servers with {@link #requestHandler(Handler)}
 * (or {@link #handle(HttpServerRequest)} from a router); the shortcuts on this class address the
 * main namespace "/".
 */
public final class SocketIoServer {

  private static final int SOCKET_ID_BYTES = 15;

  /**
   * Ends every socket id. Applications commonly take room names from clients (the reference server
   * puts each socket in a room named after its id); a character that no such name allows ({@code
   * A-Za-z0-9_-:.} and the base64url alphabet exclude it) keeps a socket's private room out of
   * reach of any id rule an application may have, on this node and on the others of a cluster. It
   * needs no escaping in JSON, URLs or Redis channel names.
   */
  public static final char SOCKET_ID_MARK = '~';

  private final Vertx vertx;
  private final SocketIoOptions options;
  private final EngineIoServer engine;
  private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<DynamicNamespace> dynamicNamespaces =
      new CopyOnWriteArrayList<>();
  private final SecureRandom secureRandom = new SecureRandom();

  private record DynamicNamespace(Predicate<String> matcher, Handler<Namespace> setup) {}

  private SocketIoServer(Vertx vertx, SocketIoOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.engine = new EngineIoServer(vertx, options.engine());
    engine.connectionHandler(socket -> new Client(this, socket));
    of(chat.nexus.socketio.parser.Packet.MAIN_NAMESPACE);
  }

  public static SocketIoServer create(Vertx vertx, SocketIoOptions options) {
    return new SocketIoServer(vertx, options);
  }

  /**
   * HTTP server options that match these settings: websocket message and frame limits at
   * maxPayload, per-message compression off (the reference server's default; it costs CPU per
   * recipient), HTTP/2 cleartext off (both transports run on HTTP/1.1, the websocket one takes the
   * connection over, and h2c would only add a way to open and reset thousands of streams on one
   * connection), and, unless {@code base} sets one, an idle timeout of one heartbeat period
   * (pingInterval + pingTimeout): a healthy client is never silent that long, since a long poll is
   * answered within pingInterval.
   */
  public static HttpServerOptions httpServerOptions(
      SocketIoOptions options, HttpServerOptions base) {
    int max = options.engine().maxPayload();
    HttpServerOptions http =
        new HttpServerOptions(base)
            .setMaxWebSocketMessageSize(max)
            .setMaxWebSocketFrameSize(max)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setHttp2ClearTextEnabled(false)
            .setTcpNoDelay(true);
    if (base.getIdleTimeout() <= 0) {
      http.setIdleTimeout(
              (int) (options.engine().pingIntervalMs() + options.engine().pingTimeoutMs()))
          .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    return http;
  }

  public Vertx vertx() {
    return vertx;
  }

  public SocketIoOptions options() {
    return options;
  }

  public EngineIoServer engine() {
    return engine;
  }

  /** The namespace of that name, created on first use. */
  public Namespace of(String name) {
    String normalized = name.startsWith("/") ? name : "/" + name;
    return namespaces.computeIfAbsent(
        normalized,
        n -> {
          Namespace namespace = new Namespace(n, this);
          namespace.adapter().init();
          return namespace;
        });
  }

  /**
   * Dynamic namespaces: a client connecting to an unknown namespace whose name the matcher accepts
   * creates it, and {@code setup} adds its middlewares and handlers before the client is let in.
   */
  public SocketIoServer ofDynamic(Predicate<String> matcher, Handler<Namespace> setup) {
    dynamicNamespaces.add(new DynamicNamespace(matcher, setup));
    return this;
  }

  /** The main namespace "/". */
  public Namespace sockets() {
    return of(chat.nexus.socketio.parser.Packet.MAIN_NAMESPACE);
  }

  public Collection<Namespace> namespaces() {
    return Collections.unmodifiableCollection(namespaces.values());
  }

  public SocketIoServer use(Middleware middleware) {
    sockets().use(middleware);
    return this;
  }

  public SocketIoServer onConnection(Handler<Socket> handler) {
    sockets().onConnection(handler);
    return this;
  }

  public BroadcastOperator to(String... rooms) {
    return sockets().to(rooms);
  }

  public BroadcastOperator in(String... rooms) {
    return sockets().in(rooms);
  }

  public BroadcastOperator except(String... rooms) {
    return sockets().except(rooms);
  }

  public void emit(String event, Object... args) {
    sockets().emit(event, args);
  }

  /** Whether the request is for the Socket.IO path. */
  public boolean matches(HttpServerRequest request) {
    return engine.matches(request);
  }

  /** Serves a request for the Socket.IO path. */
  public void handle(HttpServerRequest request) {
    engine.handle(request);
  }

  /**
   * A request handler serving the Socket.IO path and passing everything else to {@code fallback}.
   */
  public Handler<HttpServerRequest> requestHandler(Handler<HttpServerRequest> fallback) {
    return request -> {
      if (engine.matches(request)) {
        engine.handle(request);
      } else {
        fallback.handle(request);
      }
    };
  }

  /** Closes every connection ("server shutting down", so clients reconnect) and the adapters. */
  public Future<Void> close() {
    engine.close();
    List<Future<Void>> closing = new ArrayList<>();
    for (Namespace namespace : namespaces.values()) {
      closing.add(namespace.adapter().close());
    }
    return Future.all(closing).mapEmpty();
  }

  /** The namespace a client may join under this name, or null ("Invalid namespace"). */
  Namespace namespaceFor(String name) {
    Namespace existing = namespaces.get(name);
    if (existing != null) {
      return existing;
    }
    for (DynamicNamespace dynamic : dynamicNamespaces) {
      if (dynamic.matcher().test(name)) {
        // Set up before publishing, so that no client can slip in ahead of the middlewares.
        synchronized (dynamicNamespaces) {
          Namespace namespace = namespaces.get(name);
          if (namespace == null) {
            namespace = new Namespace(name, this);
            namespace.adapter().init();
            dynamic.setup().handle(namespace);
            namespaces.put(name, namespace);
          }
          return namespace;
        }
      }
    }
    return null;
  }

  /**
   * A new socket id: 19 base64url characters from a secure generator (114 bits: an id names a
   * private room, it must not be guessable) and {@link #SOCKET_ID_MARK}. Twenty characters, as the
   * reference server's: the npm sharded Redis adapter tells a socket's room from the others by that
   * length.
   */
  String newSocketId() {
    String random = randomId();
    return random.substring(0, random.length() - 1) + SOCKET_ID_MARK;
  }

  /**
   * Whether a name has the form of this server's socket ids (so is the private room of a socket).
   */
  public static boolean isSocketId(String name) {
    return name != null && name.indexOf(SOCKET_ID_MARK) >= 0;
  }

  /** The private session id used for recovery is a secret, so it comes from a secure generator. */
  String newPrivateId() {
    if (!options.recoveryEnabled()) {
      return null;
    }
    return randomId();
  }

  /** {@link #SOCKET_ID_BYTES} from the secure generator, in base64url without padding. */
  private String randomId() {
    byte[] bytes = new byte[SOCKET_ID_BYTES];
    secureRandom.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
