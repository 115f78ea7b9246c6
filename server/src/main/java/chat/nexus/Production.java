package chat.nexus;

import chat.nexus.auth.AuthOptions;
import chat.nexus.auth.SessionCookie;
import chat.nexus.auth.SessionRevocations;
import chat.nexus.chat.LocalPresence;
import chat.nexus.chat.Presence;
import chat.nexus.chat.RedisPresence;
import chat.nexus.companion.Characters;
import chat.nexus.config.Config;
import chat.nexus.observability.Metrics;
import chat.nexus.observability.MetricsReporter;
import chat.nexus.ops.AdminSignIn;
import chat.nexus.ratelimit.ClientAddress;
import chat.nexus.ratelimit.Limit;
import chat.nexus.ratelimit.LocalRateLimiter;
import chat.nexus.ratelimit.RateLimiter;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.ratelimit.RedisRateLimiter;
import chat.nexus.redis.ChangeChannel;
import chat.nexus.redis.SharedRedis;
import chat.nexus.rooms.RoomChanges;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import chat.nexus.store.DatabaseSessionStore;
import chat.nexus.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a node shares with the others through Redis when REDIS_URL is set, and its single-node
 * stand-ins otherwise: rate limits, presence, the end of login sessions (REDIS_SESSION_URL: the
 * sessions themselves live in the database, so a Redis restart signs nobody out), character cache
 * invalidation; plus the session cookie and the metrics reporter. Wired in one place; {@link
 * ChatServer} uses it.
 */
public final class Production {

  public static final String API_LIMIT = "api";
  public static final String EVENTS_LIMIT = "events";
  public static final String LLM_LIMIT = "llm";
  public static final String LOGIN_LIMIT = "login";

  private final String nodeId;
  private final Optional<SharedRedis> redis;
  private final Optional<SharedRedis> sessionRedis;
  private final SessionStore sessions;
  private final SessionRevocations revocations;
  private final Limit login;
  private final RateLimits limits;
  private final Presence presence;
  private final Optional<SessionCookie> cookies;
  private final MetricsReporter reporter;
  private final AdminSignIn adminSignIn;

  private Production(
      String nodeId,
      Optional<SharedRedis> redis,
      Optional<SharedRedis> sessionRedis,
      SessionStore sessions,
      SessionRevocations revocations,
      Limit login,
      RateLimits limits,
      Presence presence,
      Optional<SessionCookie> cookies,
      MetricsReporter reporter,
      AdminSignIn adminSignIn) {
    this.nodeId = nodeId;
    this.redis = redis;
    this.sessionRedis = sessionRedis;
    this.sessions = sessions;
    this.revocations = revocations;
    this.login = login;
    this.limits = limits;
    this.presence = presence;
    this.cookies = cookies;
    this.reporter = reporter;
    this.adminSignIn = adminSignIn;
  }

  /** Creates the parts; connects to Redis lazily (a Redis that is down at start is not fatal). */
  public static Production start(
      Vertx vertx, ServerConfig settings, Database database, Blocking blocking, Metrics metrics) {
    Config config = settings.core();
    String nodeId = UUID.randomUUID().toString();
    Optional<SharedRedis> redis =
        Optional.ofNullable(config.redisUrl())
            .map(url -> SharedRedis.create(vertx, url, config.redisKeyPrefix()));
    Optional<SharedRedis> sessionRedis =
        Optional.ofNullable(config.redisSessionUrl())
            .map(
                url ->
                    redis.isPresent() && url.equals(config.redisUrl())
                        ? redis.get()
                        : SharedRedis.create(vertx, url, config.redisKeyPrefix()));
    SessionStore sessions = new DatabaseSessionStore(database, blocking);
    SessionRevocations revocations = new SessionRevocations(sessionRedis, nodeId);

    AuthOptions auth = settings.auth();
    Limit login = new Limit(LOGIN_LIMIT, auth.loginRateMax(), auth.loginRateWindowMs());
    RateLimits limits = limits(config, redis, login, settings.addresses(), metrics);

    Presence presence =
        redis
            .<Presence>map(
                r ->
                    new RedisPresence(
                        vertx, r, nodeId, config.presenceHeartbeatMs(), config.presenceTtlMs()))
            .orElseGet(LocalPresence::new);
    Optional<SessionCookie> cookies =
        Optional.ofNullable(config.sessionSecret())
            .map(secret -> new SessionCookie(secret, config.production(), config.cookieDomain()));

    metrics.pool(database);
    MetricsReporter reporter =
        new MetricsReporter(
            vertx,
            metrics,
            nodeId,
            settings.metrics().nodeId(),
            config.port(),
            Optional.ofNullable(config.monitoringUrl()),
            config.metricsIntervalMs());
    return new Production(
        nodeId,
        redis,
        sessionRedis,
        sessions,
        revocations,
        login,
        limits,
        presence,
        cookies,
        reporter,
        new AdminSignIn(settings.admin(), limits::clientAddress));
  }

  /** The API, event and LLM limits: on Redis when the node has one, else on this node alone. */
  private static RateLimits limits(
      Config config,
      Optional<SharedRedis> redis,
      Limit login,
      ClientAddress addresses,
      Metrics metrics) {
    long longestWindow =
        Math.max(
            Math.max(config.rateLimitWindowMs(), config.llmRateLimitWindowMs()), login.windowMs());
    RateLimiter limiter =
        redis
            .<RateLimiter>map(RedisRateLimiter::new)
            .orElseGet(() -> new LocalRateLimiter(Duration.ofMillis(longestWindow)));
    RateLimits limits =
        new RateLimits(
            config.rateLimitEnabled(),
            limiter,
            new Limit(API_LIMIT, config.rateLimitMax(), config.rateLimitWindowMs()),
            new Limit(EVENTS_LIMIT, config.rateLimitMax(), config.rateLimitWindowMs()),
            new Limit(LLM_LIMIT, config.llmRateLimitMax(), config.llmRateLimitWindowMs()),
            addresses,
            metrics);
    metrics.rateLimits(API_LIMIT, EVENTS_LIMIT, LLM_LIMIT, LOGIN_LIMIT);
    return limits;
  }

  /**
   * A character change on this node makes every node drop its character caches (Redis pub/sub), and
   * a node whose link is back drops its own.
   */
  void shareInvalidation(Characters characters) {
    redis.ifPresent(
        r -> {
          ChangeChannel channel =
              ChangeChannel.open(
                  r,
                  "characters:changed",
                  nodeId,
                  "*",
                  change -> characters.invalidateAll(),
                  characters::invalidateAll);
          characters.onChange(() -> channel.publish("*"));
        });
  }

  /**
   * A change of memberships, rooms or blocks on this node makes every node forget what it cached
   * (Redis pub/sub), so that a mute, ban, kick or role change takes effect at once everywhere.
   */
  void shareRoomChanges(RoomChanges changes) {
    redis.ifPresent(
        r -> {
          ChangeChannel channel =
              ChangeChannel.open(
                  r,
                  "rooms:changed",
                  nodeId,
                  RoomChanges.EVERYTHING,
                  changes::received,
                  changes::forgetAll);
          changes.shareThrough(channel::publish);
        });
  }

  public String nodeId() {
    return nodeId;
  }

  public Optional<SharedRedis> redis() {
    return redis;
  }

  public SessionStore sessions() {
    return sessions;
  }

  /** Login sessions ending, told to every node. */
  public SessionRevocations revocations() {
    return revocations;
  }

  /** Sign-up and login attempts per client address. */
  public Limit login() {
    return login;
  }

  /** The admin's sign-in, with one count of failed attempts for every route that takes it. */
  public AdminSignIn adminSignIn() {
    return adminSignIn;
  }

  public RateLimits limits() {
    return limits;
  }

  public Presence presence() {
    return presence;
  }

  public Optional<SessionCookie> cookies() {
    return cookies;
  }

  public MetricsReporter reporter() {
    return reporter;
  }

  /** For the start-up log line: what is shared and what is not. */
  String description() {
    return "Redis: "
        + redis.map(SharedRedis::description).orElse("none (single node)")
        + ", sessions: database"
        + (sessionRedis.isPresent() ? " (their end told through Redis)" : "")
        + ", rate limits: "
        + (limits.enabled()
            ? limits.api().max()
                + " per "
                + limits.api().windowMs()
                + " ms, LLM "
                + limits.llm().max()
                + " per "
                + limits.llm().windowMs()
                + " ms"
                + (redis.isPresent() ? " (shared)" : " (this node)")
            : "off")
        + ", session cookie: "
        + (cookies.isPresent() ? "on" : "off (no SESSION_SECRET)");
  }

  Future<Void> close() {
    reporter.close();
    List<Future<Void>> closing = new ArrayList<>();
    redis.ifPresent(r -> closing.add(r.close()));
    sessionRedis
        .filter(r -> redis.isEmpty() || r != redis.get())
        .ifPresent(r -> closing.add(r.close()));
    return Future.join(closing).mapEmpty();
  }
}
