package chat.nexus;

import chat.nexus.auth.AuthOptions;
import chat.nexus.auth.AuthService;
import chat.nexus.auth.LiveSockets;
import chat.nexus.auth.PasswordHasher;
import chat.nexus.auth.SocketAuthentication;
import chat.nexus.auth.SocketSession;
import chat.nexus.auth.Tokens;
import chat.nexus.chat.ChatEvents;
import chat.nexus.cluster.RedisCluster;
import chat.nexus.companion.CharacterRoutes;
import chat.nexus.companion.CharacterStore;
import chat.nexus.companion.Characters;
import chat.nexus.companion.CompanionEvents;
import chat.nexus.companion.CompanionRoutes;
import chat.nexus.companion.CompanionService;
import chat.nexus.companion.CompanionStore;
import chat.nexus.companion.DemoCharacter;
import chat.nexus.companion.PromptBuilder;
import chat.nexus.config.Config;
import chat.nexus.engineio.CorsOptions;
import chat.nexus.http.ConnectionGuard;
import chat.nexus.http.ConnectionLimits;
import chat.nexus.http.HttpApi;
import chat.nexus.http.HttpListeners;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmMetrics;
import chat.nexus.llm.LlmOptions;
import chat.nexus.observability.Logs;
import chat.nexus.observability.Metrics;
import chat.nexus.observability.MetricsEndpoint;
import chat.nexus.observability.MetricsOptions;
import chat.nexus.ratelimit.ClientAddress;
import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import chat.nexus.store.DatabaseOptions;
import chat.nexus.store.MessageStore;
import chat.nexus.store.MessageWriter;
import chat.nexus.store.UserStore;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chat server: wiring of configuration, storage, auth, Socket.IO and REST in one place. */
public final class ChatServer {

  private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

  /** How long shutdown waits for queued messages to be stored and acknowledged. */
  static final long DRAIN_TIMEOUT_MS = 10_000;

  static final long STOP_STEP_TIMEOUT_S = 10;

  /**
   * The chat never sends binary, so a packet announcing attachments is refused before any is
   * buffered.
   */
  static final int NO_BINARY = 0;

  /** HANDSHAKES_PER_ADDRESS_PER_MINUTE counts in one-minute windows. */
  static final long HANDSHAKE_WINDOW_MS = 60_000;

  /** Replaced refresh tokens are forgotten once they would have expired; checked hourly. */
  static final long RETIRED_TOKENS_PRUNE_MS = 60 * 60 * 1000;

  private final Vertx vertx;
  private final Database database;
  private final Blocking blocking;
  private final MessageWriter writer;
  private final SocketIoServer io;
  private final HttpApi api;
  private final HttpListeners listeners;
  private final Characters characters;
  private final LlmGateway llm;
  private final Production production;
  private final RedisAdapterFactory redis;
  private final MetricsEndpoint metricsEndpoint;
  private final Tokens tokens;
  private final PasswordHasher hasher;
  private final long pruneTimer;
  private final LiveSockets liveSockets;

  private ChatServer(
      Vertx vertx,
      Database database,
      Blocking blocking,
      MessageWriter writer,
      SocketIoServer io,
      HttpApi api,
      HttpListeners listeners,
      Characters characters,
      LlmGateway llm,
      Production production,
      RedisAdapterFactory redis,
      MetricsEndpoint metricsEndpoint,
      Tokens tokens,
      PasswordHasher hasher,
      long pruneTimer,
      LiveSockets liveSockets) {
    this.metricsEndpoint = metricsEndpoint;
    this.liveSockets = liveSockets;
    this.tokens = tokens;
    this.hasher = hasher;
    this.pruneTimer = pruneTimer;
    this.production = production;
    this.redis = redis;
    this.characters = characters;
    this.llm = llm;
    this.vertx = vertx;
    this.database = database;
    this.blocking = blocking;
    this.writer = writer;
    this.io = io;
    this.api = api;
    this.listeners = listeners;
  }

  /**
   * Starts everything; blocking (opens and migrates the database). The LLM gateway reads the
   * process environment and ./.env.
   */
  public static ChatServer start(Config config) throws Exception {
    return start(config, environment());
  }

  /**
   * Starts everything with {@code env} as the source of the settings {@link Config} does not carry
   * yet (the LLM gateway's LLM_MAX_PER_USER, LLM_SIMULATED_TOKEN_MS, ...: see {@link
   * LlmOptions#withEnv}).
   */
  public static ChatServer start(Config config, Map<String, String> env) throws Exception {
    Logs.routeJavaUtilLogging();
    if (config.jsonLogs()) {
      Logs.useJson();
    }
    LlmOptions llmOptions = LlmOptions.from(config).withEnv(env);
    ConnectionLimits connectionLimits = ConnectionLimits.from(env, config.rateLimitEnabled());
    MetricsOptions metricsOptions = MetricsOptions.fromEnv(env);
    AuthOptions authOptions = AuthOptions.fromEnv(env);
    DatabaseOptions databaseOptions = DatabaseOptions.fromEnv(env);
    Database database = Database.open(config, databaseOptions);
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(Math.max(2, config.eventLoops())));
    try {
      Blocking blocking =
          Blocking.forDatabase(vertx, database, config.dbPoolSize(), databaseOptions.queueLimit());
      MessageStore messages = new MessageStore(database);
      MessageWriter writer =
          new MessageWriter(vertx, database, messages, MessageWriter.DEFAULT_QUEUE_CAPACITY);
      Tokens tokens = new Tokens(vertx, config.jwtSecret(), authOptions);
      PasswordHasher hasher =
          new PasswordHasher(vertx, authOptions.hashThreads(), authOptions.hashQueue());
      Metrics metrics = new Metrics();
      Production production =
          Production.start(vertx, config, database, blocking, metrics, authOptions);
      AuthService auth =
          new AuthService(
              tokens,
              new UserStore(database),
              production.sessions(),
              blocking,
              hasher,
              production.revocations(),
              config.allowGuests(),
              production.login());
      LiveSockets liveSockets =
          new LiveSockets(
              vertx,
              production.revocations(),
              auth::sessionEnded,
              production.sessions()::ended,
              authOptions.sessionCheckMs());
      long pruneTimer =
          vertx.setPeriodic(
              RETIRED_TOKENS_PRUNE_MS,
              id ->
                  production
                      .sessions()
                      .pruneRetired(
                          java.time.Instant.now().minusSeconds(Tokens.REFRESH_TOKEN_TTL_SECONDS))
                      .onFailure(
                          e ->
                              LOG.warn(
                                  "pruning replaced refresh tokens failed: {}", e.toString())));
      ChatEvents chat =
          new ChatEvents(
              messages, writer, blocking, production.presence(), metrics, production.limits());
      chat.maxRoomsPerSocket(connectionLimits.maxRoomsPerSocket());

      // Recovery authenticates again (a {pid, offset} is no credential) and restores only the same
      // user's session.
      SocketIoOptions.Builder socketOptions =
          SocketIoOptions.builder()
              .maxDisconnectionDurationMs(SocketIoOptions.RECOMMENDED_MAX_DISCONNECTION_DURATION_MS)
              .connectTimeoutMs(connectionLimits.authTimeoutMs())
              .maxAttachments(NO_BINARY)
              .recoverySkipsMiddlewares(false)
              .recoveryCheck(SocketAuthentication::sameUser);
      ClientAddress addresses = production.limits().addresses();
      socketOptions
          .engine()
          .clientAddress(addresses::keyOf)
          .handshakeRate(connectionLimits.handshakesPerAddressPerMinute(), HANDSHAKE_WINDOW_MS)
          .maxPendingSessionsPerAddress(connectionLimits.maxPendingSessionsPerAddress())
          .maxPayload(config.jsonLimitBytes())
          .cors(
              config.corsOrigins().isEmpty()
                  ? new CorsOptions(List.of("*"), true)
                  : new CorsOptions(config.corsOrigins(), true));
      RedisAdapterFactory redis = RedisCluster.start(vertx, config, env).orElse(null);
      if (redis != null) {
        socketOptions.adapterFactory(redis);
      }
      SocketIoServer io = SocketIoServer.create(vertx, socketOptions.build());
      io.use(new SocketAuthentication(auth, production.cookies(), config.corsOrigins()));
      chat.announceTo(io);
      CharacterStore characterStore = new CharacterStore(database);
      DemoCharacter.seedIfEmpty(characterStore);
      Characters characters = new Characters(vertx, characterStore, blocking);
      production.shareInvalidation(characters);
      LlmGateway llm = LlmGateway.create(vertx, llmOptions, new LlmMetrics(metrics.registry()));
      CompanionService companions =
          new CompanionService(
              vertx,
              characters,
              new CompanionStore(database),
              blocking,
              llm,
              new PromptBuilder(llmOptions.promptTokenBudget()));
      CompanionEvents companionEvents = new CompanionEvents(companions, production.limits());
      io.onConnection(
          socket -> {
            liveSockets.attach(socket, SocketSession.of(socket).identity());
            chat.attach(socket);
            companionEvents.attach(socket);
          });

      metrics.bind(io, database, llm);
      // nexus_redis_up: the shared client (limits, presence, sessions) and the adapter's
      // connections both open
      if (production.redis().isPresent() || redis != null) {
        var shared = production.redis();
        metrics.redis(
            () -> shared.map(r -> r.up()).orElse(true) && (redis == null || redis.isUp()));
      }
      if (redis != null) {
        metrics.bindRedis(redis);
      }
      MetricsEndpoint metricsEndpoint =
          new MetricsEndpoint(vertx, metrics, metricsOptions, config.production());
      HttpApi api =
          new HttpApi(
              vertx,
              config,
              auth,
              chat,
              database,
              blocking,
              new CharacterRoutes(characters),
              new CompanionRoutes(companions),
              metricsEndpoint,
              production.limits(),
              production.cookies());
      HttpServerOptions http =
          SocketIoServer.httpServerOptions(
              io.options(),
              new HttpServerOptions()
                  .setHost(config.host())
                  .setPort(config.port())
                  .setIdleTimeout((int) connectionLimits.idleTimeoutMs())
                  .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
      ConnectionGuard guard =
          new ConnectionGuard(connectionLimits, addresses, HttpApi.HEALTH_PATHS);
      HttpListeners listeners =
          HttpListeners.start(
                  vertx,
                  http,
                  io.requestHandler(api.router()),
                  guard.connectionHandler(),
                  config.eventLoops())
              .await(STOP_STEP_TIMEOUT_S, TimeUnit.SECONDS);
      metricsEndpoint.start().await(STOP_STEP_TIMEOUT_S, TimeUnit.SECONDS);
      ChatServer server =
          new ChatServer(
              vertx,
              database,
              blocking,
              writer,
              io,
              api,
              listeners,
              characters,
              llm,
              production,
              redis,
              metricsEndpoint,
              tokens,
              hasher,
              pruneTimer,
              liveSockets);
      LOG.info(
          "Nexus Chat listening on {}:{} ({}) - database: {}, adapter: {}, LLM: {}, event loops: {}, native transport: {}",
          config.host(),
          listeners.port(),
          config.production() ? "production" : "development",
          config.databaseDescription(),
          redis != null ? redis.description() : config.adapterDescription(),
          config.llmDescription(),
          config.eventLoops(),
          vertx.isNativeTransportEnabled());
      LOG.info("node {} - {}", production.nodeId(), production.description());
      LOG.info("limits - {}", connectionLimits.description());
      LOG.info(
          "tokens: HS256 with JWT_SECRET{}; exp {}, leeway {} s; password hashing: {} threads, {} waiting at most",
          authOptions
              .jwksUrl()
              .map(url -> ", ES256/RS256 with the keys of " + url.getHost())
              .orElse(""),
          authOptions.allowNoExp() ? "optional (JWT_ALLOW_NO_EXP)" : "required",
          authOptions.leewaySeconds(),
          authOptions.hashThreads(),
          authOptions.hashQueue());
      if (config.jwtSecretGenerated()) {
        LOG.warn(
            "JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart");
      }
      return server;
    } catch (Exception e) {
      vertx.close();
      database.close();
      throw e;
    }
  }

  /** The process environment over ./.env, as {@link Config#load()} reads them. */
  private static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    Dotenv dotenv = Dotenv.configure().ignoreIfMissing().ignoreIfMalformed().load();
    for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
      env.put(entry.getKey(), entry.getValue());
    }
    env.putAll(System.getenv());
    return env;
  }

  public int port() {
    return listeners.port();
  }

  public Vertx vertx() {
    return vertx;
  }

  public SocketIoServer io() {
    return io;
  }

  /**
   * The Redis adapter's factory (connection state, dropped publishes), or empty without REDIS_URL.
   */
  public java.util.Optional<RedisAdapterFactory> redis() {
    return java.util.Optional.ofNullable(redis);
  }

  public Database database() {
    return database;
  }

  /**
   * The cached characters (companion chat reads cards here; a Redis subscriber calls
   * invalidateAll()).
   */
  public Characters characters() {
    return characters;
  }

  /** Redis-backed parts (rate limits, presence, sessions) or their single-node versions. */
  public Production production() {
    return production;
  }

  /**
   * The port of the metrics listener (METRICS_PORT), or empty when /metrics has none of its own.
   */
  public java.util.OptionalInt metricsPort() {
    return metricsEndpoint.port();
  }

  /** The LLM gateway (companion replies; its gate's in-flight count, metrics). */
  public LlmGateway llm() {
    return llm;
  }

  /**
   * Graceful stop: no new connections (handshakes and /ready answer 503); no new messages; every
   * queued one stored and its ack written; then sockets closed with "server shutting down" (clients
   * reconnect, to another node behind a load balancer); then the HTTP servers, the pool and Vert.x.
   */
  public void stop() throws InterruptedException {
    io.engine().stopAccepting();
    api.stopping();
    liveSockets.close();
    LOG.info("stopping: storing queued messages ({})", writer.backlog());
    if (!writer.drain(DRAIN_TIMEOUT_MS)) {
      LOG.warn("messages still queued after {} ms", DRAIN_TIMEOUT_MS);
    }
    // Acks are written by tasks on the event loops; two barriers let them and their flushes run.
    barrier();
    barrier();
    io.close();
    barrier();
    await(production.presence().close());
    if (redis != null) {
      await(redis.closeAsync());
    }
    await(listeners.close(vertx));
    await(metricsEndpoint.close());
    try {
      llm.close();
    } catch (Exception e) {
      LOG.warn("closing the LLM gateway failed", e);
    }
    await(production.close());
    vertx.cancelTimer(pruneTimer);
    tokens.close();
    hasher.close();
    blocking.close();
    database.close();
    await(vertx.close());
    LOG.info("stopped");
  }

  /** Waits until the connections' event loops have run what is queued on them. */
  private void barrier() throws InterruptedException {
    await(listeners.queuedWorkDone());
  }

  private static void await(Future<?> future) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    future.onComplete(r -> latch.countDown());
    latch.await(STOP_STEP_TIMEOUT_S, TimeUnit.SECONDS);
  }
}
