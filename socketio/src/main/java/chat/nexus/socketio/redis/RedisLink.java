package chat.nexus.socketio.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The two connections a node keeps to Redis, as the npm adapter does: one that publishes and asks
 * (PUBLISH, SPUBLISH, PUBSUB NUMSUB) and one in subscribed mode. Each reconnects by itself with
 * exponential backoff; the subscriptions are replayed on the new subscriber connection.
 *
 * <p>While a connection is down nothing waits for it: a publish fails at once (the broadcast is
 * still delivered locally by the adapter) and is counted in {@link #dropped()}. Requests in flight
 * on a connection are capped by {@link RedisAdapterOptions#maxPendingCommands()}, so a stalled
 * Redis cannot grow memory without bound. All connection state lives on one Vert.x context.
 */
final class RedisLink {

  private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());

  /** At most one log line per this interval about malformed messages. */
  private static final long MALFORMED_LOG_INTERVAL_NS =
      java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  /**
   * A subscription kind: its subscribe command, the name of its confirmation and of its messages.
   */
  enum Kind {
    CHANNEL(Command.SUBSCRIBE, Command.UNSUBSCRIBE, "subscribe", "message"),
    PATTERN(Command.PSUBSCRIBE, Command.PUNSUBSCRIBE, "psubscribe", "pmessage"),
    SHARD(Command.SSUBSCRIBE, Command.SUNSUBSCRIBE, "ssubscribe", "smessage");

    final Command subscribe;
    final Command unsubscribe;
    final String confirmation;
    final String message;

    Kind(Command subscribe, Command unsubscribe, String confirmation, String message) {
      this.subscribe = subscribe;
      this.unsubscribe = unsubscribe;
      this.confirmation = confirmation;
      this.message = message;
    }
  }

  /** A message from a subscription: the channel it was published on and its bytes. */
  interface Listener {
    void onMessage(String channel, byte[] payload);
  }

  private record Key(Kind kind, String name) {}

  private final Vertx vertx;
  private final Redis client;
  private final RedisAdapterOptions options;
  private final Context context;
  private final String endpoint;
  private final Map<Key, Listener> listeners = new HashMap<>();
  private final Map<Key, List<Promise<Void>>> unconfirmed = new HashMap<>();

  /** Subscriptions replayed on the current subscriber connection and not yet confirmed by Redis. */
  private final Set<Key> replaying = new HashSet<>();

  private final List<Consumer<Boolean>> stateHandlers = new CopyOnWriteArrayList<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private long lastMalformedLog = System.nanoTime() - MALFORMED_LOG_INTERVAL_NS - 1;
  private final Promise<Void> firstUp = Promise.promise();
  private volatile RedisConnection publisher;
  private volatile RedisConnection subscriber;
  private volatile boolean up;
  private boolean closed;
  private int publisherAttempts;
  private int subscriberAttempts;
  private boolean everUp;

  RedisLink(Vertx vertx, RedisAdapterOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.endpoint = options.endpointDescription();
    RedisOptions redisOptions =
        new RedisOptions()
            .setConnectionString(options.url())
            .setMaxWaitingHandlers(options.maxPendingCommands())
            .setNetClientOptions(
                new NetClientOptions()
                    .setConnectTimeout((int) options.connectTimeoutMs())
                    .setTcpKeepAlive(true)
                    .setTcpNoDelay(true));
    this.client = Redis.createClient(vertx, redisOptions);
    // A context of its own, so that the connections' I/O and the decoding of incoming broadcasts
    // run on
    // one event loop whatever thread started the server.
    this.context = vertx.getOrCreateContext();
  }

  void start() {
    context.runOnContext(
        v -> {
          connectPublisher();
          connectSubscriber();
        });
  }

  /** Completes the first time both connections are up (and subscriptions so far are confirmed). */
  Future<Void> firstUp() {
    return firstUp.future();
  }

  /**
   * Both connections are open and every subscription is confirmed on the subscriber: broadcasts
   * cross.
   */
  boolean isUp() {
    return up;
  }

  /** Called with true/false on each change of {@link #isUp()}, on the link's context. */
  void onStateChange(Consumer<Boolean> handler) {
    stateHandlers.add(handler);
  }

  /** Publishes not sent because Redis was down or its queue full. */
  long dropped() {
    return dropped.sum();
  }

  /** Messages from Redis that could not be decoded (and were dropped). */
  long malformed() {
    return malformed.sum();
  }

  String endpoint() {
    return endpoint;
  }

  /** PUBLISH (or SPUBLISH when sharded); fails at once when the publisher is down. */
  Future<Void> publish(String channel, byte[] payload, boolean sharded) {
    RedisConnection connection = publisher;
    if (connection == null || closed) {
      dropped.increment();
      return Future.failedFuture("Redis is down");
    }
    if (connection.pendingQueueFull()) {
      dropped.increment();
      return Future.failedFuture("Redis publish queue is full");
    }
    Request request =
        Request.cmd(sharded ? Command.SPUBLISH : Command.PUBLISH)
            .arg(channel)
            .arg(Buffer.buffer(payload));
    return connection.send(request).<Void>mapEmpty().onFailure(e -> dropped.increment());
  }

  /** A command on the publishing connection (PUBSUB NUMSUB ...); fails at once when it is down. */
  Future<Response> send(Request request) {
    RedisConnection connection = publisher;
    if (connection == null || closed) {
      return Future.failedFuture("Redis is down");
    }
    return connection.send(request);
  }

  /**
   * Subscribes and routes the messages to the listener; completes once Redis confirmed the
   * subscription (after a reconnection if Redis is down now).
   */
  Future<Void> subscribe(Kind kind, String name, Listener listener) {
    Promise<Void> confirmed = Promise.promise();
    context.runOnContext(
        v -> {
          Key key = new Key(kind, name);
          listeners.put(key, listener);
          unconfirmed.computeIfAbsent(key, k -> new ArrayList<>(1)).add(confirmed);
          RedisConnection connection = subscriber;
          if (connection != null) {
            connection
                .send(Request.cmd(kind.subscribe).arg(name))
                .onFailure(e -> LOG.log(Level.DEBUG, "subscribe failed", e));
          }
        });
    return confirmed.future();
  }

  void unsubscribe(Kind kind, String name) {
    unsubscribeUnless(kind, name, () -> false);
  }

  /**
   * Unsubscribes unless {@code stillWanted} (asked on the link's context, in order with the other
   * subscription changes) says the subscription is needed again: a room left and joined again at
   * once from two threads stays subscribed.
   */
  void unsubscribeUnless(Kind kind, String name, java.util.function.BooleanSupplier stillWanted) {
    context.runOnContext(
        v -> {
          if (stillWanted.getAsBoolean()) {
            return;
          }
          Key key = new Key(kind, name);
          if (listeners.remove(key) == null) {
            return;
          }
          unconfirmed.remove(key);
          if (replaying.remove(key)) {
            updateState();
          }
          RedisConnection connection = subscriber;
          if (connection != null) {
            connection
                .send(Request.cmd(kind.unsubscribe).arg(name))
                .onFailure(e -> LOG.log(Level.DEBUG, "unsubscribe failed", e));
          }
        });
  }

  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          closed = true;
          setUp(false);
          List<Future<Void>> closing = new ArrayList<>();
          if (publisher != null) {
            closing.add(publisher.close());
          }
          if (subscriber != null) {
            closing.add(subscriber.close());
          }
          publisher = null;
          subscriber = null;
          Future.join(closing).onComplete(r -> client.close().onComplete(c -> done.complete()));
        });
    return done.future();
  }

  // ---- on the link's context ----

  private void connectPublisher() {
    connect(
        true,
        connection -> {
          connection.exceptionHandler(e -> failed(true, connection, e));
          connection.endHandler(v -> ended(true, connection));
          publisherAttempts = 0;
          publisher = connection;
          updateState();
        });
  }

  private void connectSubscriber() {
    connect(
        false,
        connection -> {
          connection.handler(this::onPush);
          connection.exceptionHandler(e -> failed(false, connection, e));
          connection.endHandler(v -> ended(false, connection));
          subscriberAttempts = 0;
          subscriber = connection;
          // Replay every subscription on the new connection, patterns first (so that a node counted
          // by
          // NUMSUB on its request channel already hears broadcasts). The link is up once Redis
          // confirmed
          // them all; a replay that cannot be sent replaces the connection.
          replaying.clear();
          for (Kind kind : new Kind[] {Kind.PATTERN, Kind.CHANNEL, Kind.SHARD}) {
            for (Key key : listeners.keySet()) {
              if (key.kind() == kind) {
                replaying.add(key);
                connection
                    .send(Request.cmd(kind.subscribe).arg(key.name()))
                    .onFailure(e -> failed(false, connection, e));
              }
            }
          }
          updateState();
        });
  }

  /**
   * Opens one of the two connections; retries with backoff when it fails, closes it when the link
   * closed meanwhile.
   */
  private void connect(boolean isPublisher, Consumer<RedisConnection> onConnected) {
    if (closed) {
      return;
    }
    client
        .connect()
        .onComplete(
            result -> {
              if (closed) {
                if (result.succeeded()) {
                  result.result().close();
                }
                return;
              }
              if (result.failed()) {
                retry(isPublisher, result.cause());
                return;
              }
              onConnected.accept(result.result());
            });
  }

  private void retry(boolean isPublisher, Throwable cause) {
    if (closed) {
      return;
    }
    int attempt = isPublisher ? publisherAttempts++ : subscriberAttempts++;
    long delay = backoff(attempt);
    if (cause != null && attempt == 0) {
      LOG.log(
          Level.WARNING,
          "Redis adapter: cannot connect to "
              + endpoint
              + " ("
              + cause.getMessage()
              + "); local delivery continues, retrying with backoff up to "
              + options.maxReconnectDelayMs()
              + " ms");
    }
    updateState();
    vertx.setTimer(
        delay,
        t ->
            context.runOnContext(
                v -> {
                  if (isPublisher) {
                    connectPublisher();
                  } else {
                    connectSubscriber();
                  }
                }));
  }

  /** Exponential backoff with jitter: 0.5-1 x min(max, initial * 2^attempt). */
  long backoff(int attempt) {
    long ceiling = options.maxReconnectDelayMs();
    long base = Math.min(ceiling, options.initialReconnectDelayMs() << Math.min(attempt, 20));
    return Math.max(1, base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  /**
   * An error on a connection. Vert.x's Redis client reports a broken connection (reset, write or
   * parse failure) here and, with assertions enabled, never calls the end handler after it; only
   * "result is already complete" leaves the connection usable.
   */
  private void failed(boolean isPublisher, RedisConnection connection, Throwable error) {
    LOG.log(
        Level.DEBUG,
        () -> "Redis " + (isPublisher ? "publisher" : "subscriber") + " connection error",
        error);
    if (error instanceof IllegalStateException) {
      return;
    }
    connection.close();
    ended(isPublisher, connection);
  }

  /**
   * A connection ended (or failed): if it is the current one, it is replaced. Called once or twice
   * per connection.
   */
  private void ended(boolean isPublisher, RedisConnection connection) {
    if (isPublisher && publisher == connection) {
      publisher = null;
      lost(true);
    } else if (!isPublisher && subscriber == connection) {
      subscriber = null;
      replaying.clear();
      lost(false);
    }
  }

  /** A connection that was up ended: said once, then reconnected with backoff. */
  private void lost(boolean isPublisher) {
    if (!closed) {
      LOG.log(
          Level.WARNING,
          "Redis adapter: "
              + (isPublisher ? "publisher" : "subscriber")
              + " connection to "
              + endpoint
              + " lost; local delivery continues, cross-node delivery resumes on reconnection");
    }
    updateState();
    retry(isPublisher, null);
  }

  private void updateState() {
    setUp(!closed && publisher != null && subscriber != null && replaying.isEmpty());
  }

  private void setUp(boolean now) {
    if (now == up) {
      return;
    }
    up = now;
    if (now) {
      LOG.log(
          Level.INFO,
          "Redis adapter: connected to "
              + endpoint
              + (everUp ? " again; cross-node delivery resumed" : ""));
      everUp = true;
      firstUp.tryComplete();
    }
    for (Consumer<Boolean> handler : stateHandlers) {
      try {
        handler.accept(now);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "Redis state handler failed", e);
      }
    }
  }

  private void onPush(Response push) {
    if (push == null || push.size() < 2) {
      return;
    }
    String type = push.get(0).toString();
    for (Kind kind : Kind.values()) {
      if (kind.message.equals(type)) {
        // pmessage: [pmessage, pattern, channel, payload]; message/smessage: [type, channel,
        // payload]
        boolean pattern = kind == Kind.PATTERN;
        if (push.size() < (pattern ? 4 : 3)) {
          return;
        }
        String name = push.get(1).toString();
        String channel = pattern ? push.get(2).toString() : name;
        Response body = push.get(pattern ? 3 : 2);
        Listener listener = listeners.get(new Key(kind, name));
        if (listener != null && body != null) {
          try {
            listener.onMessage(channel, body.toBytes());
          } catch (RuntimeException e) {
            malformed.increment();
            long now = System.nanoTime();
            if (now - lastMalformedLog
                > MALFORMED_LOG_INTERVAL_NS) { // a flood of garbage logs once per interval
              lastMalformedLog = now;
              LOG.log(
                  Level.WARNING,
                  "Redis adapter: dropped a malformed message on "
                      + channel
                      + " ("
                      + e.getMessage()
                      + "); "
                      + malformed.sum()
                      + " so far");
            }
          }
        }
        return;
      }
      if (kind.confirmation.equals(type)) {
        Key key = new Key(kind, push.get(1).toString());
        List<Promise<Void>> waiting = unconfirmed.remove(key);
        if (waiting != null) {
          waiting.forEach(Promise::tryComplete);
        }
        if (replaying.remove(key)) {
          updateState();
        }
        return;
      }
    }
  }
}
