package chat.nexus;

import chat.nexus.admin.AdminView;
import chat.nexus.auth.SocketAuthentication;
import chat.nexus.auth.SocketSession;
import chat.nexus.chat.ChatEvents;
import chat.nexus.chat.RoomEvents;
import chat.nexus.chat.RoomRoutes;
import chat.nexus.cluster.RedisCluster;
import chat.nexus.companion.CharacterRoutes;
import chat.nexus.companion.Characters;
import chat.nexus.companion.CompanionRoutes;
import chat.nexus.config.Config;
import chat.nexus.conversations.ConversationRoutes;
import chat.nexus.conversations.ConversationStore;
import chat.nexus.conversations.Conversations;
import chat.nexus.http.HttpApi;
import chat.nexus.http.HttpListeners;
import chat.nexus.http.WebClient;
import chat.nexus.llm.LlmGateway;
import chat.nexus.observability.BuildInfo;
import chat.nexus.observability.Logs;
import chat.nexus.observability.Metrics;
import chat.nexus.observability.MetricsEndpoint;
import chat.nexus.ops.NodeDrain;
import chat.nexus.profiles.ProfileRoutes;
import chat.nexus.profiles.Profiles;
import chat.nexus.roomcompanions.QuotaBudget;
import chat.nexus.roomcompanions.RoomCompanionRoutes;
import chat.nexus.roomcompanions.RoomCompanions;
import chat.nexus.search.MessageSearch;
import chat.nexus.search.SearchEvents;
import chat.nexus.search.SearchRoutes;
import chat.nexus.search.SearchStore;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.admin.AdminUi;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.store.Database;
import chat.nexus.store.MessagePartitions;
import chat.nexus.store.MessageWriter;
import chat.nexus.telemetry.ErrorReports;
import chat.nexus.telemetry.Tracing;
import chat.nexus.web.WebFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.OptionalInt;
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

  private final Vertx vertx;
  private final Storage storage;
  private final Accounts accounts;
  private final Production production;
  private final SocketIoServer io;
  private final Optional<RedisAdapterFactory> redis;
  private final Companions companions;
  private final HttpApi api;
  private final HttpListeners listeners;
  private final MetricsEndpoint metricsEndpoint;
  private final Optional<AdminUi> adminUi;
  private final Sharing sharing;
  private final Conversations conversations;
  private ClientMoves moves;
  private boolean stopped;

  private ChatServer(
      Vertx vertx,
      Storage storage,
      Accounts accounts,
      Production production,
      SocketIoServer io,
      Optional<RedisAdapterFactory> redis,
      Companions companions,
      HttpApi api,
      HttpListeners listeners,
      MetricsEndpoint metricsEndpoint,
      Optional<AdminUi> adminUi,
      Sharing sharing,
      Conversations conversations) {
    this.sharing = sharing;
    this.conversations = conversations;
    this.vertx = vertx;
    this.storage = storage;
    this.accounts = accounts;
    this.production = production;
    this.io = io;
    this.redis = redis;
    this.companions = companions;
    this.api = api;
    this.listeners = listeners;
    this.metricsEndpoint = metricsEndpoint;
    this.adminUi = adminUi;
  }

  /** Starts everything; blocking (opens and migrates the database). */
  public static ChatServer start(ServerConfig settings) throws Exception {
    Config config = settings.core();
    Logs.routeJavaUtilLogging();
    if (config.jsonLogs()) {
      Logs.useJson();
    }
    ErrorReports.start(settings.telemetry(), BuildInfo.version());
    Tracing.start(settings.telemetry(), BuildInfo.version());
    Database database;
    try {
      database = Database.open(config, settings.database());
    } catch (Exception e) {
      stopTelemetry();
      throw e;
    }
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(Math.max(2, config.eventLoops())));
    ErrorReports.watch(vertx);
    try {
      ChatServer server = start(vertx, Storage.open(vertx, database, settings), settings);
      server.logStarted(settings);
      return server;
    } catch (Exception e) {
      vertx.close();
      database.close();
      stopTelemetry();
      throw e;
    }
  }

  /** Sends the error reports and spans still buffered. */
  private static void stopTelemetry() {
    Tracing.stop();
    ErrorReports.stop();
  }

  private static ChatServer start(Vertx vertx, Storage storage, ServerConfig settings)
      throws Exception {
    Metrics metrics = new Metrics();
    Production production =
        Production.start(vertx, settings, storage.database(), storage.blocking(), metrics);
    Accounts accounts = Accounts.start(vertx, settings, storage, production);
    Conversations conversations =
        new Conversations(
            vertx,
            new ConversationStore(storage.database()),
            storage.members(),
            storage.rooms().blocks(),
            storage.blocking());
    ChatEvents chat = chat(settings, storage, production, metrics, conversations);
    Optional<RedisAdapterFactory> redis =
        settings.cluster().map(options -> RedisCluster.start(vertx, options));
    SocketIoServer io = SocketIoServer.create(vertx, ChatPort.socketOptions(settings, redis));
    io.use(
        new SocketAuthentication(
            accounts.auth(), production.cookies(), settings.core().corsOrigins()));
    chat.announceTo(io);
    production.shareRoomChanges(storage.rooms().changes());
    RoomEvents roomEvents =
        new RoomEvents(storage.rooms(), storage.blocking(), production.limits(), io);
    Optional<AdminUi> adminUi =
        AdminView.install(
            io, settings.admin(), settings.adminUi(), settings.addresses(), production.nodeId());
    Companions companions = Companions.start(vertx, settings, storage, production, metrics, io);
    RoomCompanions roomCompanions =
        new RoomCompanions(
            vertx,
            io,
            storage.database(),
            storage.blocking(),
            storage.rooms(),
            storage.messages(),
            storage.writer(),
            companions.characters(),
            companions.llm(),
            settings.llm().promptTokenBudget(),
            metrics.registry());
    roomCompanions.budget(new QuotaBudget(companions.usage()));
    roomCompanions.sight((userId, character) -> character.visibleTo(userId));
    chat.onSent(roomCompanions);
    production
        .redis()
        .ifPresent(r -> roomCompanions.shareTurns(r, production.nodeId(), settings.llm()));
    MessageSearch search =
        new MessageSearch(
            new SearchStore(storage.database()), storage.members(), storage.blocking());
    SearchEvents searchEvents = new SearchEvents(search, production.limits());
    Sharing sharing = Sharing.start(vertx, settings, storage, production, accounts.auth());
    chat.attachments(sharing.uploads());
    sharing.profiles().onForget(conversations::profileChanged, conversations::profilesChanged);
    sharing.announceChanges(io, storage.members());
    io.onConnection(
        socket -> {
          accounts.liveSockets().attach(socket, SocketSession.of(socket).identity());
          chat.attach(socket);
          roomEvents.attach(socket);
          companions.events().attach(socket);
          roomCompanions.attach(socket, production.limits());
          searchEvents.attach(socket);
        });
    bindMetrics(metrics, io, storage.database(), companions.llm(), production, redis);
    metrics.bindNode(vertx, storage.writer());
    MetricsEndpoint metricsEndpoint =
        new MetricsEndpoint(vertx, metrics, settings.metrics(), settings.core().production());
    HttpApi api =
        new HttpApi(
            vertx,
            settings.core(),
            accounts.auth(),
            chat,
            storage.database(),
            storage.blocking(),
            new CharacterRoutes(companions.characters(), production.adminSignIn()),
            new CompanionRoutes(companions.service()),
            new RoomRoutes(storage.rooms(), storage.blocking(), production.presence())
                .companions(roomCompanions::listed),
            metricsEndpoint,
            production.limits(),
            production.cookies(),
            new WebClient(WebFiles.load(settings.statics())),
            new ConversationRoutes(conversations),
            new ProfileRoutes(sharing.profiles()),
            sharing.uploadRoutes(),
            sharing.uploadLimit());
    Router router = api.router();
    new SearchRoutes(search, production.limits())
        .mount(router, api.requireCaller(), HttpApi::caller);
    companions.usage().routes().mount(router, api.requireCaller(), HttpApi::caller);

    new RoomCompanionRoutes(roomCompanions).mount(router, api.requireCaller(), HttpApi::caller);
    HttpListeners listeners =
        ChatPort.listen(vertx, settings, io, router, metrics)
            .await(STOP_STEP_TIMEOUT_S, TimeUnit.SECONDS);
    production.reporter().listening(listeners.port());
    metricsEndpoint.start().await(STOP_STEP_TIMEOUT_S, TimeUnit.SECONDS);
    ChatServer server =
        new ChatServer(
            vertx,
            storage,
            accounts,
            production,
            io,
            redis,
            companions,
            api,
            listeners,
            metricsEndpoint,
            adminUi,
            sharing,
            conversations);
    server.moves = ClientMoves.start(vertx, settings, production, io, metrics, router, server);
    return server;
  }

  private static ChatEvents chat(
      ServerConfig settings,
      Storage storage,
      Production production,
      Metrics metrics,
      Conversations conversations) {
    return new ChatEvents(
            storage.messages(),
            storage.writer(),
            storage.blocking(),
            production.presence(),
            storage.members(),
            storage.rooms().access(),
            conversations,
            metrics,
            production.limits())
        .maxRoomsPerSocket(settings.connections().maxRoomsPerSocket());
  }

  private static void bindMetrics(
      Metrics metrics,
      SocketIoServer io,
      Database database,
      LlmGateway llm,
      Production production,
      Optional<RedisAdapterFactory> redis) {
    metrics.bind(io, database, llm);
    // nexus_redis_up: the shared client (limits, presence, sessions) and the adapter's
    // connections both open
    if (production.redis().isPresent() || redis.isPresent()) {
      var shared = production.redis();
      metrics.redis(
          () ->
              shared.map(r -> r.up()).orElse(true)
                  && redis.map(RedisAdapterFactory::isUp).orElse(true));
    }
    redis.ifPresent(metrics::bindRedis);
  }

  private void logStarted(ServerConfig settings) {
    Config config = settings.core();
    LOG.info(
        "Nexus Chat listening on {}:{} ({}) - database: {}, adapter: {}, LLM: {}, event loops: {}, native transport: {}",
        config.host(),
        listeners.port(),
        config.production() ? "production" : "development",
        config.databaseDescription() + settings.database().pooler().description(),
        redis.map(RedisAdapterFactory::description).orElse(config.adapterDescription()),
        config.llmDescription(),
        config.eventLoops(),
        vertx.isNativeTransportEnabled());
    LOG.info("node {} - {}", production.nodeId(), production.description());
    LOG.info("limits - {}", settings.connections().description());
    LOG.info("tokens: {}", settings.auth().description());
    LOG.info("web client: {}", settings.statics().description());
    LOG.info(
        "admin: {}{}",
        settings.admin().description(),
        settings.admin().enabled() ? " - Admin UI " + settings.adminUi().description() : "");
    LOG.info("{}", moves.description());
    LOG.info("{}", sharing.uploads().description());
    if (config.jwtSecretGenerated()) {
      LOG.warn(
          "JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart");
    }
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
  public Optional<RedisAdapterFactory> redis() {
    return redis;
  }

  public Database database() {
    return storage.database();
  }

  /**
   * The cached characters (companion chat reads cards here; a Redis subscriber calls
   * invalidateAll()).
   */
  public Characters characters() {
    return companions.characters();
  }

  /** Profiles (their cache; a Redis subscriber drops changed ones). */
  public Profiles profiles() {
    return sharing.profiles();
  }

  /** Redis-backed parts (rate limits, presence, sessions) or their single-node versions. */
  public Production production() {
    return production;
  }

  /**
   * The port of the metrics listener (METRICS_PORT), or empty when /metrics has none of its own.
   */
  public OptionalInt metricsPort() {
    return metricsEndpoint.port();
  }

  /** The LLM gateway (companion replies; its gate's in-flight count, metrics). */
  public LlmGateway llm() {
    return companions.llm();
  }

  /** What users spend through the LLM, and their quotas. */
  public chat.nexus.usage.LlmUsage usage() {
    return companions.usage();
  }

  /**
   * The graceful way out (SIGTERM, POST /api/admin/drain): /ready 503 for DRAIN_GRACE_MS, then the
   * queue stored, the sockets closed in waves, and {@link #stop()}.
   */
  public NodeDrain drain() {
    return moves.drain();
  }

  /**
   * Stops at once, as a drain without its grace and waves: no new clients, the queue stored and
   * acknowledged, every socket closed with "server shutting down" (clients reconnect), then the
   * rest. Later calls do nothing.
   */
  public synchronized void stop() throws InterruptedException {
    if (stopped) {
      return;
    }
    stopped = true;
    stopTakingClients();
    storeQueued();
    await(moves.close());
    adminUi.ifPresent(AdminUi::close);
    io.close();
    barrier();
    await(conversations.close());
    await(production.presence().close());
    if (redis.isPresent()) {
      await(redis.get().closeAsync());
    }
    await(listeners.close(vertx));
    await(metricsEndpoint.close());
    try {
      companions.llm().close();
    } catch (Exception e) {
      LOG.warn("closing the LLM gateway failed", e);
    }
    companions.usage().close(); // the counts not yet written, before the database closes
    await(production.close());
    accounts.close();
    storage.partitions().ifPresent(MessagePartitions::close);
    sharing.close();
    storage.blocking().close();
    storage.database().close();
    await(vertx.close());
    stopTelemetry();
    LOG.info("stopped");
  }

  void stopTakingClients() {
    io.engine().stopAccepting();
    api.stopping();
    moves.leaving();
  }

  void storeQueued() throws InterruptedException {
    accounts.liveSockets().close();
    MessageWriter writer = storage.writer();
    LOG.info("stopping: storing queued messages ({})", writer.backlog());
    if (!writer.drain(DRAIN_TIMEOUT_MS)) {
      LOG.warn("messages still queued after {} ms", DRAIN_TIMEOUT_MS);
    }
    // Acks are written by tasks on the event loops; two barriers let them and their flushes run.
    barrier();
    barrier();
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
