package chat.nexus.socketio.redis;

import chat.nexus.retry.Backoff;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The two connections a node keeps to one Redis, as the npm adapter does: one that publishes and
 * asks (PUBLISH, SPUBLISH, PUBSUB NUMSUB, any command) and one in subscribed mode. Each reconnects
 * by itself with backoff; the subscriptions are replayed on every new subscriber connection. The
 * Redis adapter uses one, and so does the chat server for what its nodes share (rate limits,
 * presence, sessions).
 *
 * <p>The link is up while both connections are open and Redis confirmed every subscription on the
 * current one (and, with a {@link RedisLinkOptions#commandTimeoutMs() command timeout}, while
 * commands are answered). While the publishing connection is missing nothing waits for it: a
 * command fails at once and a publish is counted in {@link #dropped()}; only what is sent before
 * the first connection attempt has ended waits for that attempt, so that a server's first requests
 * do not fail for having come a moment after its start. Commands in flight per connection are
 * capped by {@link RedisLinkOptions#maxPendingCommands()}, so a stalled Redis cannot grow memory
 * without bound. All connection state lives on one Vert.x context.
 */
public final class RedisLink {

  private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());

  private static final String DOWN = "Redis is down";
  private static final String QUEUE_FULL = "Redis publish queue is full";

  /** The two connections: the one for commands and publishing, the one in subscribed mode. */
  public enum Role {
    PUBLISHER,
    SUBSCRIBER;

    /** "publisher" or "subscriber", as log lines name the connection. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A message from a subscription: the channel it was published on and its bytes. */
  public interface Listener {
    void onMessage(String channel, byte[] payload);
  }

  private final Vertx vertx;
  private final Redis client;
  private final RedisLinkOptions options;
  private final Context context;
  private final RedisLinkEvents events;
  private final LinkConnection publisher;
  private final LinkConnection subscriber;
  private final Subscriptions subscriptions;
  private final List<Consumer<Boolean>> stateHandlers = new CopyOnWriteArrayList<>();
  private final LongAdder dropped = new LongAdder();
  private final Promise<Void> firstUp = Promise.promise();
  private final Promise<Void> firstAttempt = Promise.promise();
  private volatile boolean up;
  private volatile boolean closed;
  private boolean everUp;

  /** With a command timeout: whether the last command that ended was answered by Redis. */
  private volatile boolean answering = true;

  private Throwable lastFailure;
  private long pingTimer = -1;

  private RedisLink(Vertx vertx, RedisLinkOptions options, RedisLinkEvents events) {
    this.vertx = vertx;
    this.options = options;
    this.events = events;
    this.client = Redis.createClient(vertx, options.clientOptions());
    // A context of its own, so that the connections' I/O and the decoding of incoming messages run
    // on one event loop whatever thread created the link.
    this.context = vertx.getOrCreateContext();
    Backoff backoff =
        new Backoff(
            options.initialReconnectDelayMs(), options.maxReconnectDelayMs(), Backoff.Jitter.EQUAL);
    ConnectionEvents owner = new ConnectionEvents();
    String endpoint = options.endpoint();
    this.publisher =
        new LinkConnection(Role.PUBLISHER, vertx, context, client, backoff, endpoint, owner);
    this.subscriber =
        new LinkConnection(Role.SUBSCRIBER, vertx, context, client, backoff, endpoint, owner);
    this.subscriptions = new Subscriptions(this::listenerFailed);
  }

  /** A link to the Redis of {@code options}; connects in the background (Redis may be down). */
  public static RedisLink connect(Vertx vertx, RedisLinkOptions options, RedisLinkEvents events) {
    RedisLink link = new RedisLink(vertx, options, events);
    link.context.runOnContext(
        v -> {
          link.publisher.open();
          link.subscriber.open();
        });
    long interval = options.pingIntervalMs();
    if (interval != RedisLinkOptions.NONE) {
      link.pingTimer = vertx.setPeriodic(interval, interval, id -> link.ping());
    }
    return link;
  }

  /** Completes the first time the link is up. */
  public Future<Void> firstUp() {
    return firstUp.future();
  }

  /** Both connections are open and every subscription is confirmed: messages cross. */
  public boolean isUp() {
    return up;
  }

  /** Called with true/false on each change of {@link #isUp()} (false on close too). */
  public void onStateChange(Consumer<Boolean> handler) {
    stateHandlers.add(handler);
  }

  /** Publishes not sent because Redis was down, too slow, or the queue full. */
  public long dropped() {
    return dropped.sum();
  }

  /** host:port of Redis, without credentials. */
  public String endpoint() {
    return options.endpoint();
  }

  /** PUBLISH (or SPUBLISH when sharded); fails at once when the link is down. */
  public Future<Void> publish(String channel, byte[] payload, boolean sharded) {
    RedisConnection connection = publisher.current();
    if (connection != null && connection.pendingQueueFull()) {
      dropped.increment();
      return Future.failedFuture(QUEUE_FULL);
    }
    Request request =
        Request.cmd(sharded ? Command.SPUBLISH : Command.PUBLISH)
            .arg(channel)
            .arg(Buffer.buffer(payload));
    return send(request).<Void>mapEmpty().onFailure(e -> dropped.increment());
  }

  /**
   * A command on every server: one answer from the single server or primary, one per node of a
   * cluster (PUBSUB NUMSUB counts only the subscribers of the node that answers). Fails at once
   * when the link is down.
   */
  public Future<List<Response>> sendOnEveryNode(Request request) {
    RedisConnection connection = publisher.current();
    if (options.address().topology() != RedisAddress.Topology.CLUSTER
        || connection == null
        || closed) {
      return send(request).map(List::of);
    }
    Future<List<Response>> answers = RedisCluster.create(connection).onAllNodes(request);
    return commandTimeout() ? timed(answers) : answers;
  }

  /** A command on the publishing connection; fails at once when the link is down. */
  public Future<Response> send(Request request) {
    RedisConnection connection = publisher.current();
    if (connection != null && !closed) {
      Future<Response> answer = connection.send(request);
      return commandTimeout() ? timed(answer).onComplete(this::track) : answer;
    }
    if (!closed && !firstAttempt.future().isComplete()) {
      Future<Response> afterFirstAttempt = firstAttempt.future().compose(v -> send(request));
      return commandTimeout() ? timed(afterFirstAttempt) : afterFirstAttempt;
    }
    return Future.failedFuture(DOWN);
  }

  private boolean commandTimeout() {
    return options.commandTimeoutMs() != RedisLinkOptions.NONE;
  }

  /**
   * Subscribes and routes the messages to the listener; completes once Redis confirmed the
   * subscription (after a reconnection if Redis is down now).
   */
  public Future<Void> subscribe(SubscriptionKind kind, String name, Listener listener) {
    Promise<Void> confirmed = Promise.promise();
    context.runOnContext(
        v -> sendOnSubscriber(subscriptions.add(kind, name, listener, confirmed), "subscribe"));
    return confirmed.future();
  }

  public void unsubscribe(SubscriptionKind kind, String name) {
    unsubscribeUnless(kind, name, () -> false);
  }

  /**
   * Unsubscribes unless {@code stillWanted} (asked on the link's context, in order with the other
   * subscription changes) says the subscription is needed again: a room left and joined again at
   * once from two threads stays subscribed.
   */
  public void unsubscribeUnless(SubscriptionKind kind, String name, BooleanSupplier stillWanted) {
    context.runOnContext(
        v -> {
          if (stillWanted.getAsBoolean()) {
            return;
          }
          Request unsubscribe = subscriptions.remove(kind, name);
          if (unsubscribe != null) {
            updateState();
            sendOnSubscriber(unsubscribe, "unsubscribe");
          }
        });
  }

  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          closed = true;
          vertx.cancelTimer(pingTimer);
          firstAttempt.tryComplete(); // what waits for it fails now, as while down
          setUp(false);
          Future.join(publisher.close(), subscriber.close())
              .onComplete(r -> client.close().onComplete(c -> done.complete()));
        });
    return done.future();
  }

  // ---- on the link's context ----

  private void sendOnSubscriber(Request request, String what) {
    RedisConnection connection = subscriber.current();
    if (connection != null) {
      connection.send(request).onFailure(e -> LOG.log(Level.DEBUG, what + " failed", e));
    }
  }

  /** What the two connections report. */
  private final class ConnectionEvents implements LinkConnection.Owner {
    @Override
    public void opened(LinkConnection which, RedisConnection connection) {
      if (which == subscriber) {
        // Only the current connection's pushes count: a cluster connection whose other node
        // sockets outlive it for a moment must not deliver twice.
        connection.handler(
            push -> {
              if (subscriber.current() == connection) {
                onPush(push);
              }
            });
        // The link is up once Redis confirmed them all; a replay that cannot be sent replaces the
        // connection.
        for (Request request : subscriptions.replay()) {
          connection.send(request).onFailure(e -> which.broken(connection, e));
        }
      } else {
        answering = true;
        firstAttempt.tryComplete();
      }
      updateState();
    }

    @Override
    public void cannotConnect(LinkConnection which, Throwable cause, boolean firstInARow) {
      lastFailure = cause;
      if (which == publisher) {
        firstAttempt.tryComplete();
      }
      if (firstInARow) {
        events.cannotConnect(which.role(), cause);
      }
    }

    @Override
    public void lost(LinkConnection which, Throwable cause) {
      lastFailure = cause;
      if (which == subscriber) {
        subscriptions.connectionLost();
      }
      events.lost(which.role());
      updateState();
    }
  }

  private void onPush(Response push) {
    if (subscriptions.onPush(push)) {
      updateState();
    }
  }

  private void listenerFailed(String channel, RuntimeException error) {
    events.listenerFailed(channel, error);
  }

  private void ping() {
    if (publisher.current() != null) {
      send(Request.cmd(Command.PING));
    }
  }

  private <T> Future<T> timed(Future<T> command) {
    return command.timeout(options.commandTimeoutMs(), TimeUnit.MILLISECONDS);
  }

  /**
   * Whether Redis answered a command with a deadline: a reply, even an error reply, says it is
   * there; no reply (timed out, connection lost, queue full) counts the link as down.
   */
  private void track(AsyncResult<Response> result) {
    boolean answered = result.succeeded() || isErrorReply(result.cause());
    if (answered == answering) {
      return;
    }
    Runnable change =
        () -> {
          if (answered != answering && !closed) {
            answering = answered;
            if (!answered) {
              lastFailure = result.cause();
            }
            updateState();
          }
        };
    // Answers come on the link's context: the state changes before the caller hears the result.
    if (Vertx.currentContext() == context) {
      change.run();
    } else {
      context.runOnContext(v -> change.run());
    }
  }

  /** An error reply from Redis; the client reports a lost connection as one too. */
  private static boolean isErrorReply(Throwable cause) {
    return cause instanceof Response
        && (cause.getMessage() == null || !cause.getMessage().startsWith("CONNECTION_CLOSED"));
  }

  private void updateState() {
    setUp(
        !closed
            && publisher.current() != null
            && subscriber.current() != null
            && subscriptions.allConfirmed()
            && answering);
  }

  private void setUp(boolean now) {
    if (now == up) {
      return;
    }
    up = now;
    if (now) {
      firstUp.tryComplete();
      events.up(everUp);
      everUp = true;
    } else if (!closed) {
      events.down(lastFailure);
    }
    for (Consumer<Boolean> handler : stateHandlers) {
      try {
        handler.accept(now);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "Redis state handler failed", e);
      }
    }
  }
}
