package chat.nexus.redis;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Redis this node shares among rate limits, presence, sessions and cache invalidation: one
 * pipelined connection (Vert.x Redis client, never blocking; replaced when it breaks), Lua scripts
 * by EVALSHA, a subscriber connection that reconnects by itself, and an up/down state for {@code
 * nexus_redis_up}. Every key and channel starts with the configured prefix (REDIS_KEY_PREFIX), so
 * several deployments or test runs can share one Redis.
 */
public final class SharedRedis {

  private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);

  /** A command that has no answer by then counts as failed (the callers fail open or fall back). */
  public static final long COMMAND_TIMEOUT_MS = 1_000;

  static final int CONNECT_TIMEOUT_MS = 2_000;

  /** The pipelined command connection and a spare while it is replaced. */
  static final int POOL_SIZE = 2;

  static final int POOL_WAITING = 10_000;
  static final long PING_INTERVAL_MS = 2_000;
  static final long RESUBSCRIBE_DELAY_MS = 1_000;

  private final Vertx vertx;
  private final Redis client;

  /** Its own client: a subscribed connection can send nothing but (un)subscriptions. */
  private final Redis subscriberClient;

  private final String url;
  private final String prefix;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final Map<String, Handler<String>> subscriptions = new ConcurrentHashMap<>();
  private final long pingTimer;
  private volatile RedisConnection subscriber;
  private volatile Future<RedisConnection> commands;
  private volatile boolean subscribing;
  private volatile boolean closed;

  private SharedRedis(Vertx vertx, String url, String prefix) {
    this.vertx = vertx;
    this.url = url;
    this.prefix = prefix;
    this.client = Redis.createClient(vertx, options(url));
    this.subscriberClient = Redis.createClient(vertx, options(url).setMaxPoolSize(1));
    this.pingTimer =
        vertx.setPeriodic(
            PING_INTERVAL_MS, PING_INTERVAL_MS, id -> send(Request.cmd(Command.PING)));
  }

  /**
   * A client for this URL; connects lazily (no blocking, no failure when Redis is down at start).
   */
  public static SharedRedis create(Vertx vertx, String url, String prefix) {
    return new SharedRedis(vertx, url, prefix);
  }

  private static RedisOptions options(String url) {
    return new RedisOptions()
        .setConnectionString(url)
        .setMaxPoolSize(POOL_SIZE)
        .setMaxPoolWaiting(POOL_WAITING)
        .setNetClientOptions(
            new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpNoDelay(true));
  }

  /** The URL without credentials, for logs. */
  public String description() {
    return url.replaceAll("//[^/@]*@", "//");
  }

  /** Whether the last command reached Redis. */
  public boolean up() {
    return up.get();
  }

  /** A key or channel name under this deployment's prefix. */
  public String key(String name) {
    return prefix + name;
  }

  /**
   * Sends a command; the future fails after {@link #COMMAND_TIMEOUT_MS} at the latest. Commands are
   * pipelined on one long-lived connection (a pooled acquire per command costs more than Redis' own
   * work).
   */
  public Future<Response> send(Request request) {
    return track(
        connection()
            .compose(c -> c.send(request))
            .timeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS));
  }

  private Future<RedisConnection> connection() {
    Future<RedisConnection> current = commands;
    if (current != null && !current.failed()) {
      return current;
    }
    synchronized (this) {
      if (commands == null || commands.failed()) {
        Future<RedisConnection> connecting = client.connect();
        connecting.onSuccess(
            c -> {
              c.exceptionHandler(e -> drop(connecting));
              c.endHandler(v -> drop(connecting));
            });
        commands = connecting;
      }
      return commands;
    }
  }

  private synchronized void drop(Future<RedisConnection> broken) {
    if (commands == broken) {
      commands = null;
    }
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
    subscriptions.put(channel, handler);
    RedisConnection current = subscriber;
    if (current != null) {
      current.send(Request.cmd(Command.SUBSCRIBE).arg(channel));
    } else {
      connectSubscriber();
    }
  }

  private void connectSubscriber() {
    if (closed || subscribing) {
      return;
    }
    subscribing = true;
    subscriberClient
        .connect()
        .onComplete(
            result -> {
              subscribing = false;
              if (result.failed()) {
                markDown(result.cause());
                retrySubscriber();
                return;
              }
              RedisConnection connection = result.result();
              if (closed) {
                connection.close();
                return;
              }
              connection.handler(this::onPush);
              connection.exceptionHandler(e -> LOG.debug("Redis subscriber: {}", e.toString()));
              connection.endHandler(
                  v -> {
                    subscriber = null;
                    retrySubscriber();
                  });
              subscriber = connection;
              Request subscribe = Request.cmd(Command.SUBSCRIBE);
              subscriptions.keySet().forEach(subscribe::arg);
              if (!subscriptions.isEmpty()) {
                track(connection.send(subscribe));
              }
            });
  }

  private void retrySubscriber() {
    if (!closed) {
      vertx.setTimer(RESUBSCRIBE_DELAY_MS, id -> connectSubscriber());
    }
  }

  private void onPush(Response push) {
    // ["message", channel, payload] (RESP2 array or RESP3 push)
    if (push.size() == 3 && "message".equals(push.get(0).toString())) {
      Handler<String> handler = subscriptions.get(push.get(1).toString());
      if (handler != null) {
        try {
          handler.handle(push.get(2).toString());
        } catch (RuntimeException e) {
          LOG.error("Redis message handler for {} failed", push.get(1), e);
        }
      }
    }
  }

  private <T> Future<T> track(Future<T> future) {
    return future.onComplete(
        result -> {
          if (result.succeeded() || isErrorReply(result.cause())) {
            if (up.compareAndSet(false, true)) {
              LOG.info("Redis {} is reachable again", description());
            }
          } else {
            markDown(result.cause());
          }
        });
  }

  /**
   * An error reply from Redis (Redis is there); the client reports a lost connection as one too.
   */
  private static boolean isErrorReply(Throwable cause) {
    return cause instanceof Response
        && (cause.getMessage() == null || !cause.getMessage().startsWith("CONNECTION_CLOSED"));
  }

  private void markDown(Throwable cause) {
    if (up.compareAndSet(true, false)) {
      LOG.warn(
          "Redis {} is unreachable ({}): rate limits fail open, presence and cache invalidation stay local until it is back",
          description(),
          cause.toString());
    }
  }

  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(pingTimer);
    RedisConnection current = subscriber;
    subscriber = null;
    if (current != null) {
      current.close();
    }
    Future<RedisConnection> pipeline = commands;
    commands = null;
    if (pipeline != null && pipeline.succeeded()) {
      pipeline.result().close();
    }
    return Future.join(client.close(), subscriberClient.close()).mapEmpty();
  }
}
