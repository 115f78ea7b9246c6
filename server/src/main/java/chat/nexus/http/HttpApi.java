package chat.nexus.http;

import chat.nexus.auth.AuthService;
import chat.nexus.auth.Identity;
import chat.nexus.chat.ChatEvents;
import chat.nexus.chat.RoomIds;
import chat.nexus.companion.CharacterRoutes;
import chat.nexus.companion.CompanionRoutes;
import chat.nexus.config.Config;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.auth.SessionCookie;
import chat.nexus.observability.Logs;
import chat.nexus.observability.MetricsEndpoint;
import chat.nexus.ratelimit.RateLimits;
import java.util.Optional;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API (Vert.x Web): request ids, CORS, body limit, auth routes, history, health, and one
 * failure handler that turns every error into the contract's error shape.
 */
public final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String IDENTITY = "identity";
  private static final String AUTH_FAILURE = "authFailure";
  private static final String BY_COOKIE = "byCookie";
  /** The header a cookie-authenticated non-JSON request (logout without a body, a PNG upload) adds against CSRF. */
  public static final String CSRF_HEADER = "X-Requested-With";
  /** The health checks, answered even on a connection over the node's cap (see {@link ConnectionGuard}). */
  public static final Set<String> HEALTH_PATHS = Set.of("/health", "/ready");
  /** Largest character upload (a PNG with its card and art); every other body is held to JSON_LIMIT. */
  public static final int CHARACTER_UPLOAD_LIMIT_BYTES = CharacterRoutes.UPLOAD_LIMIT_BYTES;
  /** How long the rest of a refused body is read and dropped before its connection closes (nginx: 5 s). */
  static final long UNREAD_BODY_LINGER_MS = 2_000;
  /** /ready answers within this even when the database hangs (health checks commonly give up after 1-3 s). */
  static final long READY_TIMEOUT_MS = 800;

  private final Vertx vertx;
  private final Config config;
  private final AuthService auth;
  private final ChatEvents chat;
  private final Database database;
  private final Blocking blocking;
  private final CharacterRoutes characters;
  private final CompanionRoutes companions;
  private volatile boolean stopping;
  private final MetricsEndpoint metrics;
  private final RateLimits limits;
  private final Optional<SessionCookie> cookies;

  public HttpApi(Vertx vertx, Config config, AuthService auth, ChatEvents chat, Database database, Blocking blocking,
      CharacterRoutes characters, CompanionRoutes companions, MetricsEndpoint metrics, RateLimits limits, Optional<SessionCookie> cookies) {
    this.metrics = metrics;
    this.limits = limits;
    this.cookies = cookies;
    this.characters = characters;
    this.companions = companions;
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.chat = chat;
    this.database = database;
    this.blocking = blocking;
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::handle);
    router.route().handler(cors());
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("ok", true).put("status", "up")));
    router.get("/ready").handler(this::ready);
    metrics.mount(router);

    // Every body is read under JSON_LIMIT (a larger declared Content-Length is refused before reading), except
    // a character PNG (often 1-3 MB): its body waits, paused, until the caller is authenticated and counted
    // by the rate limit; the character route then reads it under its own limit.
    Handler<RoutingContext> jsonBody = BodyHandler.create(false).setBodyLimit(config.jsonLimitBytes());
    router.route("/api/*").handler(ctx -> {
      if (!CharacterRoutes.isUpload(ctx.request())) {
        jsonBody.handle(ctx);
      } else if (declaredLength(ctx.request()) > CHARACTER_UPLOAD_LIMIT_BYTES) {
        ctx.fail(413);
      } else {
        ctx.request().pause();
        ctx.next();
      }
    });
    router.route("/api/*").handler(this::resolveIdentity).handler(limits.handler(limits.api(), this::subject));
    router.post("/api/companions/:characterId/messages").handler(limits.handler(limits.llm(), this::subject));
    // Sign-up and login hash a password: counted per client address, apart from the API budget.
    router.post("/api/auth/register").handler(limits.handler(auth.loginLimit(), this::address))
        .handler(ctx -> signedIn(ctx, 201, auth.register(body(ctx))));
    router.post("/api/auth/login").handler(limits.handler(auth.loginLimit(), this::address))
        .handler(ctx -> signedIn(ctx, 200, auth.login(body(ctx))));
    router.post("/api/auth/refresh").handler(this::refresh);
    router.post("/api/auth/guest").handler(ctx -> signedIn(ctx, 201, auth.guest(body(ctx))));
    router.post("/api/auth/logout").handler(this::authenticated).handler(ctx -> {
      cookies.ifPresent(c -> ctx.response().addCookie(c.clear()));
      respond(ctx, 200, auth.logout(identity(ctx)).map(v -> new JsonObject().put("ok", true)));
    });
    router.get("/api/rooms/:id/messages").handler(this::authenticated).handler(this::history);
    characters.mount(router, this::authenticated, HttpApi::identity);
    companions.mount(router, this::authenticated, HttpApi::identity);
    router.get("/api/users/:id").handler(this::authenticated).handler(this::user);
    WebClient.mount(router);

    router.route().last().handler(ctx -> ctx.fail(ApiException.notFound("no route for " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(this::failure);
    return router;
  }

  private CorsHandler cors() {
    CorsHandler cors = CorsHandler.create().allowCredentials(true)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Content-Type", "Authorization", RequestIds.HEADER, "Accept", CSRF_HEADER))
        .exposedHeaders(Set.of(RequestIds.HEADER, "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"));
    if (config.corsOrigins().isEmpty()) {
      cors.addOriginWithRegex(".*"); // development: any origin, echoed back so credentials work
    } else {
      config.corsOrigins().forEach(cors::addOrigin);
    }
    return cors;
  }

  /** From now on /ready answers 503, so that load balancers stop sending new clients here. */
  public void stopping() {
    stopping = true;
  }

  private void ready(RoutingContext ctx) {
    if (stopping) {
      json(ctx, 503, new JsonObject().put("ok", false).put("status", "stopping"));
      return;
    }
    if (!database.health().isUp()) {
      json(ctx, 503, new JsonObject().put("ok", false).put("database", "down"));
      return;
    }
    // An outage not noticed yet: the round trip may wait for the pool; answer "down" before a health check
    // would give up, and let the check finish in the background.
    long timer = vertx.setTimer(READY_TIMEOUT_MS, id -> json(ctx, 503, new JsonObject().put("ok", false).put("database", "down")));
    blocking.run(database::isReachable).onComplete(result -> {
      vertx.cancelTimer(timer);
      boolean up = result.succeeded() && result.result();
      json(ctx, up ? 200 : 503, new JsonObject().put("ok", up).put("database", up ? "up" : "down"));
    });
  }

  private void history(RoutingContext ctx) {
    String roomId = RoomIds.validate(ctx.pathParam("id"));
    if (!RoomIds.mayAccess(roomId, identity(ctx).userId())) {
      throw ApiException.forbidden("this direct room belongs to other users");
    }
    Long before = ChatEvents.optionalId(ctx.queryParams().get("before"));
    int limit = ChatEvents.limit(ctx.queryParams().get("limit"));
    respond(ctx, 200, chat.readHistory(roomId, before, limit).map(list -> new JsonObject().put("ok", true).put("messages", list)));
  }

  /** A user's public profile (id, name, kind), for clients that show names next to user ids. */
  private void user(RoutingContext ctx) {
    String userId = ctx.pathParam("id");
    respond(ctx, 200, auth.user(userId).compose(user -> user == null
        ? Future.failedFuture(ApiException.notFound("no user " + userId.substring(0, Math.min(userId.length(), 64))))
        : Future.succeededFuture(new JsonObject().put("ok", true).put("user", new JsonObject()
            .put("id", user.id()).put("name", user.name()).put("kind", user.kind())))));
  }

  /**
   * Finds out who calls, when the request says: a bearer token, or else the session cookie. The outcome is
   * kept for the rate limiter (user or address) and for {@link #authenticated}; nothing fails here.
   * Cookie-authenticated state-changing requests must show they are not a cross-site form: a JSON (or
   * other non-form) Content-Type, or an X-Requested-With header (see README, CSRF).
   */
  private void resolveIdentity(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    Future<Identity> identity;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      identity = auth.authenticate(header.substring(7).trim());
    } else {
      Optional<String> sessionId = cookies.flatMap(c -> c.verify(SessionCookie.fromHeader(ctx.request().getHeader(HttpHeaders.COOKIE))));
      if (sessionId.isEmpty()) {
        ctx.next();
        return;
      }
      if (!safeFromCsrf(ctx)) {
        ctx.put(AUTH_FAILURE, ApiException.forbidden("a cookie-authenticated " + ctx.request().method()
            + " must send Content-Type: application/json or an " + CSRF_HEADER + " header"));
        ctx.next();
        return;
      }
      ctx.put(BY_COOKIE, true);
      identity = auth.authenticateSession(sessionId.get());
    }
    identity.onComplete(result -> {
      if (clientGone(ctx)) {
        return;
      }
      if (result.succeeded()) {
        ctx.put(IDENTITY, result.result());
      } else {
        ctx.put(AUTH_FAILURE, result.cause());
      }
      ctx.next();
    });
  }

  /** Form posts (the only cross-site requests a browser sends without CORS) cannot set these. */
  private static boolean safeFromCsrf(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      return true;
    }
    if (ctx.request().getHeader(CSRF_HEADER) != null) {
      return true;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    String t = type.toLowerCase(java.util.Locale.ROOT);
    return !(t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/form-data") || t.startsWith("text/plain"));
  }

  /** Whom the rate limiter counts: the user, or the client address when anonymous. */
  private String subject(RoutingContext ctx) {
    Identity identity = identity(ctx);
    return identity != null ? "user:" + identity.userId() : "ip:" + limits.clientAddress(ctx);
  }

  private String address(RoutingContext ctx) {
    return "ip:" + limits.clientAddress(ctx);
  }

  private void authenticated(RoutingContext ctx) {
    if (identity(ctx) != null) {
      ctx.next();
      return;
    }
    Throwable failure = ctx.get(AUTH_FAILURE);
    ctx.fail(failure != null ? failure : ApiException.unauthorized("missing Authorization: Bearer token or session cookie"));
  }

  /** Refresh by refresh token (any client), or by the session cookie (web client) when the body has none. */
  private void refresh(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body.getValue("refreshToken") == null && Boolean.TRUE.equals(ctx.get(BY_COOKIE))) {
      if (identity(ctx) == null) {
        Throwable failure = ctx.get(AUTH_FAILURE);
        ctx.fail(failure != null ? failure : ApiException.unauthorized("session has ended"));
        return;
      }
      signedIn(ctx, 200, auth.refreshSession(identity(ctx)));
      return;
    }
    signedIn(ctx, 200, auth.refresh(body));
  }

  /** Answers a sign-in and sets the session cookie (when cookies are configured). */
  private void signedIn(RoutingContext ctx, int status, Future<AuthService.SignedIn> result) {
    respond(ctx, status, result.map(signed -> {
      cookies.ifPresent(c -> ctx.response().addCookie(c.issue(signed.sessionId(), signed.sessionTtlSeconds())));
      return signed.body();
    }));
  }

  private static Identity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  private static JsonObject body(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (ctx.body().length() == 0) {
      return new JsonObject();
    }
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      throw ApiException.badRequest("send JSON with Content-Type: application/json");
    }
    try {
      JsonObject json = ctx.body().asJsonObject();
      if (json == null) {
        throw ApiException.badRequest("the body must be a JSON object");
      }
      return json;
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
  }

  private static void respond(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(done -> {
      if (done.succeeded()) {
        json(ctx, status, done.result());
      } else {
        ctx.fail(done.cause());
      }
    });
  }

  static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return Future.succeededFuture();
    }
    return ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }

  /**
   * Whether the client has gone (closed or reset its connection): then nothing more is computed or
   * encoded for it. Checked where a request resumes after waiting (identity, rate limit, result).
   */
  static boolean clientGone(RoutingContext ctx) {
    return ctx.response().closed();
  }

  /** The one place that maps failures to responses. */
  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (clientGone(ctx) || failure instanceof HttpClosedException) {
      // A client that closes mid-body or mid-request: nobody to answer, nothing to investigate.
      LOG.debug("[{}] {} {}: the client closed the connection", RequestIds.of(ctx), ctx.request().method(), ctx.request().path());
      return;
    }
    if (ctx.statusCode() == ErrorCode.FORBIDDEN.httpStatus() && !(failure instanceof ApiException)
        && ctx.request().getHeader(HttpHeaders.ORIGIN) != null) {
      refusedOrigin(ctx);
      return;
    }
    ApiException error;
    if (failure instanceof ApiException api) {
      error = api;
    } else if (ctx.statusCode() == 413) {
      int limit = CharacterRoutes.isUpload(ctx.request()) ? CHARACTER_UPLOAD_LIMIT_BYTES : config.jsonLimitBytes();
      error = new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + limit + " bytes");
    } else if (ctx.statusCode() == 400 || failure instanceof io.vertx.core.json.DecodeException) {
      error = ApiException.badRequest("bad request");
    } else if (ctx.statusCode() == 404) {
      error = ApiException.notFound("not found");
    } else if (ctx.statusCode() == 405) {
      error = new ApiException(ErrorCode.BAD_REQUEST, "method not allowed");
    } else {
      Identity caller = identity(ctx);
      Logs.withRequest(RequestIds.of(ctx), caller == null ? null : caller.userId(),
          () -> LOG.error("[{}] {} {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), failure));
      error = new ApiException(ErrorCode.INTERNAL, "internal error");
    }
    int status = ctx.statusCode() == 405 ? 405 : error.code().httpStatus();
    HttpServerRequest request = ctx.request();
    Future<Void> written = answer(ctx, status, error);
    if (bodyUnread(request)) {
      lingerThenClose(request, written);
    }
  }

  private static Future<Void> answer(RoutingContext ctx, int status, ApiException error) {
    if (error.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
    }
    return json(ctx, status, error.toJson());
  }

  /**
   * A request whose body was refused unread (too large, or an upload whose caller was refused): its
   * HTTP/1.1 connection can carry another request only once that body has come in. As nginx's lingering
   * close: the rest is read and dropped for {@link #UNREAD_BODY_LINGER_MS}, so that a client still sending
   * gets to read the error; then the connection closes unless the body has ended.
   */
  private void lingerThenClose(HttpServerRequest request, Future<Void> written) {
    long timer = vertx.setTimer(UNREAD_BODY_LINGER_MS, t -> written.onComplete(done -> request.connection().close()));
    request.handler(dropped -> {}).endHandler(end -> vertx.cancelTimer(timer)).resume();
  }

  /** The Content-Length a request declares, or -1. */
  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether a request has a body that has not all come in (HTTP/2 streams end on their own). */
  private static boolean bodyUnread(HttpServerRequest request) {
    boolean hasBody = declaredLength(request) > 0 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    return hasBody && !request.isEnded() && request.version() != HttpVersion.HTTP_2 && request.connection() != null;
  }

  /**
   * A browser page of an origin not in CORS_ORIGINS (Vert.x Web's CORS handler refuses it with 403): the
   * contract's FORBIDDEN, no log line (it is the caller's doing, and cheap to repeat), and counted by the
   * rate limit of its address like any anonymous request, so that repeating it ends in RATE_LIMITED.
   */
  private void refusedOrigin(RoutingContext ctx) {
    ApiException forbidden = ApiException.forbidden("this origin is not allowed (CORS_ORIGINS)");
    if (!limits.enabled()) {
      answer(ctx, forbidden.code().httpStatus(), forbidden);
      return;
    }
    limits.check(limits.api(), "ip:" + limits.clientAddress(ctx)).onComplete(result -> {
      ApiException error = result.succeeded() && !result.result().allowed() ? result.result().error(System.currentTimeMillis()) : forbidden;
      if (result.succeeded()) {
        RateLimits.headers(ctx.response(), result.result());
      }
      // the CORS handler set its own reason phrase ("CORS Rejected"), which would stick to a 429 too
      ctx.response().setStatusMessage(HttpResponseStatus.valueOf(error.code().httpStatus()).reasonPhrase());
      answer(ctx, error.code().httpStatus(), error);
    });
  }
}
