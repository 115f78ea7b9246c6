package chat.nexus.http;

import chat.nexus.auth.AuthService;
import chat.nexus.auth.Identity;
import chat.nexus.auth.SessionCookie;
import chat.nexus.chat.ChatEvents;
import chat.nexus.chat.ClientInput;
import chat.nexus.chat.RoomRoutes;
import chat.nexus.companion.CharacterRoutes;
import chat.nexus.companion.CompanionRoutes;
import chat.nexus.config.Config;
import chat.nexus.conversations.ConversationRoutes;
import chat.nexus.errors.ApiException;
import chat.nexus.observability.BuildInfo;
import chat.nexus.observability.MetricsEndpoint;
import chat.nexus.profiles.ProfileRoutes;
import chat.nexus.profiles.Profiles;
import chat.nexus.ratelimit.Limit;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.rooms.RoomIds;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import chat.nexus.uploads.UploadRoutes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The REST API (Vert.x Web): request ids, CORS, body limits ({@link RequestBodies}), auth routes,
 * history, health, and one failure handler ({@link Failures}) that turns every error into the
 * contract's error shape.
 */
public final class HttpApi {

  /**
   * The header a cookie-authenticated non-JSON request (logout without a body, a PNG upload) adds
   * against CSRF.
   */
  public static final String CSRF_HEADER = "X-Requested-With";

  /**
   * The health checks, answered even on a connection over the node's cap (see {@link
   * ConnectionGuard}).
   */
  public static final Set<String> HEALTH_PATHS = Set.of("/health", "/ready");

  /**
   * /ready answers within this even when the database hangs (health checks commonly give up after
   * 1-3 s).
   */
  static final long READY_TIMEOUT_MS = 800;

  private final Vertx vertx;
  private final Config config;
  private final AuthService auth;
  private final ChatEvents chat;
  private final Database database;
  private final Blocking blocking;
  private final CharacterRoutes characters;
  private final CompanionRoutes companions;
  private final RoomRoutes rooms;
  private volatile boolean stopping;
  private final MetricsEndpoint metrics;
  private final RateLimits limits;
  private final Optional<SessionCookie> cookies;
  private final RequestAuthentication callers;
  private final WebClient webClient;
  private final ConversationRoutes conversations;
  private final ProfileRoutes profiles;
  private final UploadRoutes uploads;
  private final Limit uploadLimit;

  public HttpApi(
      Vertx vertx,
      Config config,
      AuthService auth,
      ChatEvents chat,
      Database database,
      Blocking blocking,
      CharacterRoutes characters,
      CompanionRoutes companions,
      RoomRoutes rooms,
      MetricsEndpoint metrics,
      RateLimits limits,
      Optional<SessionCookie> cookies,
      WebClient webClient,
      ConversationRoutes conversations,
      ProfileRoutes profiles,
      UploadRoutes uploads,
      Limit uploadLimit) {
    this.webClient = webClient;
    this.conversations = conversations;
    this.profiles = profiles;
    this.uploads = uploads;
    this.uploadLimit = uploadLimit;
    this.metrics = metrics;
    this.limits = limits;
    this.cookies = cookies;
    this.callers = new RequestAuthentication(auth, cookies);
    this.characters = characters;
    this.companions = companions;
    this.rooms = rooms;
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.chat = chat;
    this.database = database;
    this.blocking = blocking;
  }

  /** A new router with every route: build it once and mount further routes on that one. */
  public Router router() {
    Router router = Router.router(vertx);
    metrics.timeRequests(router);
    router.route().handler(RequestIds::handle);
    webClient.mountAssets(router);
    router.route().handler(cors());
    router
        .get("/health")
        .handler(
            ctx ->
                json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("ok", true)
                        .put("status", "up")
                        .put("version", BuildInfo.version())));
    router.get("/ready").handler(this::ready);
    metrics.mount(router);

    router
        .route("/api/*")
        .handler(
            RequestBodies.handler(
                config.jsonLimitBytes(),
                List.of(
                    new RequestBodies.LargeBody(ProfileRoutes::isUpload, Profiles.AVATAR_MAX_BYTES),
                    new RequestBodies.LargeBody(UploadRoutes::isUpload, uploads.bodyLimit()))));
    router
        .route("/api/*")
        .handler(callers::resolve)
        .handler(limits.handler(limits.api(), this::subject));
    for (String turn : new String[] {"messages", "regenerate"}) {
      router
          .post("/api/companions/:characterId/" + turn)
          .handler(limits.handler(limits.llm(), this::subject));
    }
    // Sign-up and login hash a password: counted per client address, apart from the API budget.
    router
        .post("/api/auth/register")
        .handler(limits.handler(auth.loginLimit(), limits::addressSubject))
        .handler(ctx -> signedIn(ctx, 201, auth.register(body(ctx))));
    router
        .post("/api/auth/login")
        .handler(limits.handler(auth.loginLimit(), limits::addressSubject))
        .handler(ctx -> signedIn(ctx, 200, auth.login(body(ctx))));
    router.post("/api/auth/refresh").handler(this::refresh);
    router.post("/api/auth/guest").handler(ctx -> signedIn(ctx, 201, auth.guest(body(ctx))));
    router
        .post("/api/auth/logout")
        .handler(callers::require)
        .handler(
            ctx -> {
              cookies.ifPresent(c -> ctx.response().addCookie(c.clear()));
              respond(
                  ctx, 200, auth.logout(identity(ctx)).map(v -> new JsonObject().put("ok", true)));
            });
    router.get("/api/rooms/:id/messages").handler(callers::require).handler(this::history);
    rooms.mount(router, callers::require, RequestAuthentication::identity);
    characters.mount(router, callers::require, RequestAuthentication::identity);
    companions.mount(router, callers::require, RequestAuthentication::identity);
    conversations.mount(router, callers::require, RequestAuthentication::identity);
    profiles.mount(router, callers::require, RequestAuthentication::identity);
    uploads.mount(
        router,
        callers::require,
        limits.handler(uploadLimit, this::subject),
        RequestAuthentication::identity);
    webClient.mount(router);

    router
        .route()
        .last()
        .handler(
            ctx ->
                ctx.fail(
                    ApiException.notFound(
                        "no route for " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(new Failures(vertx, config.jsonLimitBytes(), limits)::handle);
    return router;
  }

  private CorsHandler cors() {
    CorsHandler cors =
        CorsHandler.create()
            .allowCredentials(true)
            .allowedMethods(
                Set.of(
                    HttpMethod.GET,
                    HttpMethod.POST,
                    HttpMethod.PUT,
                    HttpMethod.PATCH,
                    HttpMethod.DELETE,
                    HttpMethod.OPTIONS))
            .allowedHeaders(
                Set.of("Content-Type", "Authorization", RequestIds.HEADER, "Accept", CSRF_HEADER))
            .exposedHeaders(
                Set.of(
                    RequestIds.HEADER,
                    "Retry-After",
                    "X-RateLimit-Limit",
                    "X-RateLimit-Remaining",
                    "X-RateLimit-Reset"));
    if (config.corsOrigins().isEmpty()) {
      cors.addOriginWithRegex(".*"); // development: any origin, echoed back so credentials work
    } else {
      config.corsOrigins().forEach(cors::addOrigin);
    }
    return cors;
  }

  /**
   * Fails a request without a signed-in caller (UNAUTHORIZED): for routes mounted on {@link
   * #router()} afterwards by their own packages.
   */
  public Handler<RoutingContext> requireCaller() {
    return callers::require;
  }

  /** The signed-in caller of a request that passed {@link #requireCaller()}. */
  public static Identity caller(RoutingContext ctx) {
    return identity(ctx);
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
    // An outage not noticed yet: the round trip may wait for the pool; answer "down" before a
    // health check
    // would give up, and let the check finish in the background.
    blocking
        .run(database::isReachable)
        .timeout(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            result -> {
              boolean up = result.succeeded() && result.result();
              json(
                  ctx,
                  up ? 200 : 503,
                  new JsonObject().put("ok", up).put("database", up ? "up" : "down"));
            });
  }

  private void history(RoutingContext ctx) {
    String roomId = RoomIds.validate(ctx.pathParam("id"));
    Long before = ClientInput.before(ctx.queryParams().get("before"));
    Long around = ClientInput.around(ctx.queryParams().get("around"), before);
    int limit = ClientInput.historyLimit(ctx.queryParams().get("limit"));
    respond(
        ctx,
        200,
        chat.history()
            .readable(roomId, identity(ctx).userId(), before, around, limit)
            .map(list -> new JsonObject().put("ok", true).put("messages", list)));
  }

  /** Whom the rate limiter counts: the user, or the client address when anonymous. */
  private String subject(RoutingContext ctx) {
    Identity identity = identity(ctx);
    return identity != null ? "user:" + identity.userId() : limits.addressSubject(ctx);
  }

  /**
   * Refresh by refresh token (any client), or by the session cookie (web client) when the body has
   * none.
   */
  private void refresh(RoutingContext ctx) {
    JsonObject body = body(ctx);
    if (body.getValue("refreshToken") == null && RequestAuthentication.byCookie(ctx)) {
      if (identity(ctx) == null) {
        Throwable failure = RequestAuthentication.failure(ctx);
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
    respond(
        ctx,
        status,
        result.map(
            signed -> {
              cookies.ifPresent(
                  c ->
                      ctx.response()
                          .addCookie(c.issue(signed.sessionId(), signed.sessionTtlSeconds())));
              return signed.body();
            }));
  }

  private static Identity identity(RoutingContext ctx) {
    return RequestAuthentication.identity(ctx);
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
    result.onComplete(
        done -> {
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
    return ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  /**
   * Whether the client has gone (closed or reset its connection): then nothing more is computed or
   * encoded for it. Checked where a request resumes after waiting (identity, rate limit, result).
   */
  static boolean clientGone(RoutingContext ctx) {
    return ctx.response().closed();
  }
}
