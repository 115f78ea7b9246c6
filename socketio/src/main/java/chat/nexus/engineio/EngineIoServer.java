package chat.nexus.engineio;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Engine.IO v4 server: the handshake, both transports, the upgrade between them and the
 * protocol's HTTP errors. Hand it the requests for its path ({@link #matches(HttpServerRequest)})
 * with {@link #handle(HttpServerRequest)}; it may serve several Vert.x HTTP servers (event loops)
 * at once.
 */
public final class EngineIoServer {

  private static final System.Logger LOG = System.getLogger(EngineIoServer.class.getName());
  private static final int SID_BYTES = 15;
  private static final String PROTOCOL_VERSION = "4";
  private static final String CORS_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";
  private static final int SHUTTING_DOWN_STATUS = 503;

  private final Vertx vertx;
  private final EngineIoOptions options;
  private final ConcurrentHashMap<String, EngineSocket> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final String pathWithoutSlash;
  private final AddressLimits addressLimits;
  private final PollingRequests pollingRequests;
  private volatile Handler<EngineSocket> connectionHandler = socket -> {};
  private volatile boolean accepting = true;

  public EngineIoServer(Vertx vertx, EngineIoOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.pathWithoutSlash = options.path().substring(0, options.path().length() - 1);
    this.addressLimits = new AddressLimits(options, System.currentTimeMillis());
    this.pollingRequests = new PollingRequests(this);
  }

  public EngineIoOptions options() {
    return options;
  }

  /** Called for every new session, on its event loop, after the open packet was sent. */
  public EngineIoServer connectionHandler(Handler<EngineSocket> handler) {
    this.connectionHandler = handler;
    return this;
  }

  /** Whether the request is for this server's path. */
  public boolean matches(HttpServerRequest request) {
    String path = request.path();
    return path.startsWith(options.path()) || path.equals(pathWithoutSlash);
  }

  public int clientsCount() {
    return sessions.size();
  }

  public Collection<EngineSocket> sessions() {
    return Collections.unmodifiableCollection(sessions.values());
  }

  public EngineSocket session(String id) {
    return sessions.get(id);
  }

  /** Closes every session with "server shutting down". */
  public void close() {
    stopAccepting();
    for (EngineSocket socket : new ArrayList<>(sessions.values())) {
      socket.close(EngineSocket.SERVER_SHUTTING_DOWN);
    }
  }

  /**
   * Refuses new sessions from now on (HTTP 503, so that clients retry, through a load balancer on
   * another node); open sessions carry on. The first step of a graceful shutdown.
   */
  public void stopAccepting() {
    accepting = false;
  }

  /** Serves one HTTP request (polling or websocket upgrade) on this server's path. */
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    applyCors(request, response);
    if (request.method() == HttpMethod.OPTIONS) {
      String requested = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, CORS_METHODS);
      if (requested != null) {
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, requested);
      }
      response.setStatusCode(204).end();
      return;
    }
    String transport = request.getParam("transport");
    boolean upgrade = isWebSocketUpgrade(request);
    if (!isAllowedTransport(transport)) {
      sendError(response, EngineError.UNKNOWN_TRANSPORT, null);
      return;
    }
    String sid = request.getParam("sid");
    if (sid != null) {
      handleExisting(request, response, sid, transport, upgrade);
      return;
    }
    if (request.method() != HttpMethod.GET) {
      sendError(response, EngineError.BAD_HANDSHAKE_METHOD, null);
      return;
    }
    if (!accepting) {
      response
          .setStatusCode(SHUTTING_DOWN_STATUS)
          .putHeader(HttpHeaders.RETRY_AFTER, "1")
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("message", "server shutting down").encode());
      return;
    }
    if (WebSocketTransport.NAME.equals(transport) != upgrade) {
      sendError(response, EngineError.BAD_REQUEST, "transport does not match the request");
      return;
    }
    if (!PROTOCOL_VERSION.equals(request.getParam("EIO"))) {
      sendError(response, EngineError.UNSUPPORTED_PROTOCOL_VERSION, null);
      return;
    }
    String address = clientAddress(request);
    AddressLimits.Refusal refusal = addressLimits.tryHandshake(address, System.currentTimeMillis());
    if (refusal != null) {
      LOG.log(Level.DEBUG, () -> "handshake refused for " + address + ": " + refusal.reason());
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refusal.retryAfterSeconds()));
      sendError(response, EngineError.TOO_MANY_REQUESTS, refusal.reason());
      return;
    }
    String pendingKey = addressLimits.countsPending() ? address : null;
    Future<Void> allowed = checkAllowed(request);
    if (allowed.isComplete()) {
      handshake(request, response, upgrade, allowed, pendingKey);
    } else {
      request.pause();
      allowed.onComplete(result -> handshake(request, response, upgrade, allowed, pendingKey));
    }
  }

  private String clientAddress(HttpServerRequest request) {
    try {
      String address = options.clientAddress().apply(request);
      return address != null ? address : EngineIoOptions.REMOTE_ADDRESS.apply(request);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "clientAddress failed; using the connection's peer", e);
      return EngineIoOptions.REMOTE_ADDRESS.apply(request);
    }
  }

  /**
   * Gives back a pending slot: the session was admitted by the application, closed, or never made.
   */
  void releasePending(String pendingKey) {
    if (pendingKey != null) {
      addressLimits.release(pendingKey);
    }
  }

  /** Sessions of that client address not admitted yet (0 when the cap is off). */
  public int pendingSessions(String clientAddress) {
    return addressLimits.pending(clientAddress);
  }

  private Future<Void> checkAllowed(HttpServerRequest request) {
    try {
      return options.allowRequest().apply(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void handshake(
      HttpServerRequest request,
      HttpServerResponse response,
      boolean upgrade,
      Future<Void> allowed,
      String pendingKey) {
    if (allowed.failed()) {
      releasePending(pendingKey);
      String message = allowed.cause().getMessage();
      sendError(
          response,
          EngineError.FORBIDDEN,
          message != null ? message : EngineError.FORBIDDEN.message());
      return;
    }
    EngineSocket.RequestInfo info = requestInfo(request);
    if (upgrade) {
      Context context = currentContext();
      WebSocketTransport ws =
          new WebSocketTransport(options.maxPayload(), options.maxBufferedBytes());
      WebSocketUpgrade.upgrade(request, options.maxPayload(), ws)
          .onComplete(
              result -> {
                if (result.failed()) {
                  releasePending(pendingKey);
                  LOG.log(Level.DEBUG, () -> "websocket handshake failed: " + result.cause());
                  return;
                }
                EngineSocket socket =
                    new EngineSocket(newId(), this, context, info, ws, pendingKey);
                ws.bind(socket);
                sessions.put(socket.id(), socket);
                socket.open();
                connectionHandler.handle(socket);
              });
    } else {
      PollingTransport polling = new PollingTransport(options);
      EngineSocket socket =
          new EngineSocket(newId(), this, currentContext(), info, polling, pendingKey);
      polling.bind(socket);
      polling.poll(response);
      sessions.put(socket.id(), socket);
      socket.open();
      connectionHandler.handle(socket);
    }
  }

  private void handleExisting(
      HttpServerRequest request,
      HttpServerResponse response,
      String sid,
      String transport,
      boolean upgrade) {
    EngineSocket socket = sessions.get(sid);
    if (socket == null) {
      sendError(response, EngineError.UNKNOWN_SID, null);
      return;
    }
    if (upgrade) {
      if (!WebSocketTransport.NAME.equals(transport) || !options.allowUpgrades()) {
        sendError(response, EngineError.BAD_REQUEST, "upgrade not allowed");
        return;
      }
      // Accept, then let the session decide: an already upgraded session closes the newcomer, as
      // the
      // reference server does (a refused handshake would make some clients throw instead of
      // closing).
      WebSocketTransport ws =
          new WebSocketTransport(options.maxPayload(), options.maxBufferedBytes());
      ws.bind(socket);
      WebSocketUpgrade.upgrade(request, options.maxPayload(), ws)
          .onSuccess(v -> socket.onUpgradeSocket(ws));
      return;
    }
    if (!transport.equals(socket.transportName())) {
      sendError(response, EngineError.BAD_REQUEST, "transport mismatch");
      return;
    }
    pollingRequests.handle(request, response, socket);
  }

  private boolean isAllowedTransport(String transport) {
    return (PollingTransport.NAME.equals(transport) && options.allowPolling())
        || (WebSocketTransport.NAME.equals(transport) && options.allowWebSocket());
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest request) {
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  private void applyCors(HttpServerRequest request, HttpServerResponse response) {
    CorsOptions cors = options.cors();
    if (!cors.enabled()) {
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    String allow = cors.allowOrigin(origin);
    if (allow == null) {
      return;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allow);
    if (!"*".equals(allow)) {
      response.putHeader(HttpHeaders.VARY, "Origin");
    }
    if (cors.credentials()) {
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
  }

  void sendError(HttpServerResponse response, EngineError error, String detail) {
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(error.httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.body(detail));
  }

  String openPacket(String id, String transport) {
    JsonArray upgrades = new JsonArray();
    if (PollingTransport.NAME.equals(transport) && options.allowUpgrades()) {
      upgrades.add(WebSocketTransport.NAME);
    }
    return new JsonObject()
        .put("sid", id)
        .put("upgrades", upgrades)
        .put("pingInterval", options.pingIntervalMs())
        .put("pingTimeout", options.pingTimeoutMs())
        .put("maxPayload", options.maxPayload())
        .encode();
  }

  void remove(EngineSocket socket) {
    sessions.remove(socket.id(), socket);
  }

  private String newId() {
    byte[] bytes = new byte[SID_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private Context currentContext() {
    Context context = Vertx.currentContext();
    return context != null ? context : vertx.getOrCreateContext();
  }

  /** Headers that only serve the websocket handshake itself: not worth keeping per connection. */
  private static final java.util.Set<String> HANDSHAKE_ONLY_HEADERS =
      java.util.Set.of(
          "sec-websocket-key",
          "sec-websocket-version",
          "sec-websocket-extensions",
          "upgrade",
          "connection");

  private static EngineSocket.RequestInfo requestInfo(HttpServerRequest request) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (java.util.Map.Entry<String, String> header : request.headers()) {
      if (!HANDSHAKE_ONLY_HEADERS.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
        headers.add(header.getKey(), header.getValue());
      }
    }
    String address = request.remoteAddress() != null ? request.remoteAddress().hostAddress() : null;
    return new EngineSocket.RequestInfo(request.uri(), headers, address, request.isSSL());
  }
}
