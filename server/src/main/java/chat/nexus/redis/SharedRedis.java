package chat.nexus.redis;

import chat.nexus.socketio.redis.RedisAddress;
import chat.nexus.socketio.redis.RedisLink;
import chat.nexus.socketio.redis.RedisLinkEvents;
import chat.nexus.socketio.redis.RedisLinkOptions;
import chat.nexus.socketio.redis.SubscriptionKind;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Redis this node shares among rate limits, presence, sessions and cache invalidation: a
 * {@link RedisLink} (a pipelined command connection and a subscriber, both reconnecting with
 * backoff, the subscriptions replayed), Lua scripts by EVALSHA, and an up/down state for {@code
 * nexus_redis_up}. Every key and channel starts with the configured prefix (REDIS_KEY_PREFIX), so
 * several deployments or test runs can share one Redis.
 */
public final class SharedRedis {

  private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);

  /** A command that has no answer by then counts as failed (the callers fail open or fall back). */
  public static final long COMMAND_TIMEOUT_MS = 1_000;

  static final int CONNECT_TIMEOUT_MS = 2_000;

  /** Commands in flight on the command connection; beyond it a command fails at once. */
  static final int MAX_PENDING_COMMANDS = 2_048;

  /** How often an idle node checks that Redis still answers (nexus_redis_up stays current). */
  static final long PING_INTERVAL_MS = 2_000;

  private final String url;
  private final String prefix;
  private final RedisLink link;

  private SharedRedis(Vertx vertx, String url, String prefix) {
    this.url = url;
    this.prefix = prefix;
    this.link =
        RedisLink.connect(
            vertx,
            RedisLinkOptions.builder(url)
                .connectTimeoutMs(CONNECT_TIMEOUT_MS)
                .maxPendingCommands(MAX_PENDING_COMMANDS)
                .commandTimeoutMs(COMMAND_TIMEOUT_MS)
                .pingIntervalMs(PING_INTERVAL_MS)
                .build(),
            new OutageLog(description()));
  }

  /**
   * A client for this URL; connects in the background (no blocking, no failure when Redis is down
   * at start).
   */
  public static SharedRedis create(Vertx vertx, String url, String prefix) {
    return new SharedRedis(vertx, url, prefix);
  }

  /** Where Redis is, without credentials (a server, a cluster's seeds, the sentinels): for logs. */
  public String description() {
    return RedisAddress.parse(url).description();
  }

  /** Whether Redis is reachable: both connections open, and the last command answered. */
  public boolean up() {
    return link.isUp();
  }

  /** A key or channel name under this deployment's prefix. */
  public String key(String name) {
    return prefix + name;
  }

  /**
   * Sends a command; the future fails after {@link #COMMAND_TIMEOUT_MS} at the latest, and at once
   * while Redis is down. Commands are pipelined on one long-lived connection (a pooled acquire per
   * command costs more than Redis' own work).
   */
  public Future<Response> send(Request request) {
    return link.send(request);
  }

  /** Runs a script by its SHA-1, loading it first when Redis does not know it yet (NOSCRIPT). */
  public Future<Response> eval(RedisScript script, List<String> keys, List<?> args) {
    return send(script.evalSha(keys, args))
        .recover(
            e ->
                e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                    ? send(script.eval(keys, args))
                    : Future.failedFuture(e));
  }

  public Future<Response> publish(String channel, String message) {
    return send(Request.cmd(Command.PUBLISH).arg(channel).arg(message));
  }

  /**
   * Calls {@code handler} (on an event loop) with every message on the channel; survives
   * reconnections.
   */
  public void subscribe(String channel, Handler<String> handler) {
    link.subscribe(
        SubscriptionKind.CHANNEL,
        channel,
        (from, payload) -> handler.handle(new String(payload, StandardCharsets.UTF_8)));
  }

  /**
   * Calls {@code handler} (on an event loop) whenever {@link #up()} changes: true once both
   * connections are open and every subscription is confirmed again, false when one fails.
   */
  public void onStateChange(Consumer<Boolean> handler) {
    link.onStateChange(handler);
  }

  public Future<Void> close() {
    return link.close();
  }

  /** One line when an outage starts and one when it ends, whatever failed in between. */
  private static final class OutageLog implements RedisLinkEvents {
    private final String description;
    private boolean outage;

    OutageLog(String description) {
      this.description = description;
    }

    @Override
    public void cannotConnect(RedisLink.Role role, Throwable cause) {
      unreachable(cause);
    }

    @Override
    public void down(Throwable cause) {
      unreachable(cause);
    }

    @Override
    public void up(boolean again) {
      if (outage) {
        outage = false;
        LOG.info("Redis {} is reachable again", description);
      }
    }

    @Override
    public void listenerFailed(String channel, RuntimeException error) {
      LOG.error("Redis message handler for {} failed", channel, error);
    }

    private void unreachable(Throwable cause) {
      if (!outage) {
        outage = true;
        LOG.warn(
            "Redis {} is unreachable ({}): rate limits fail open, presence and cache invalidation stay local until it is back",
            description,
            String.valueOf(cause));
      }
    }
  }
}
