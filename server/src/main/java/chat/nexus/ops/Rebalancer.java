package chat.nexus.ops;

import chat.nexus.engineio.EngineIoServer;
import chat.nexus.engineio.EngineSocket;
import chat.nexus.redis.RedisScript;
import chat.nexus.redis.SharedRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares this node's connection count with the others through Redis every interval and, when this
 * node holds clearly more than its share ({@link RebalanceOptions}, {@link Shares}), asks some of
 * its clients to reconnect: their connection is closed as a shutting-down server closes it, which
 * official clients answer by reconnecting through the balancer, to whichever node it picks.
 *
 * <p>A node starts moving only when it was over its share at two reports in a row (counts read at
 * slightly different moments differ while many clients connect at once), and an interval in which
 * it moved clients is followed by one in which it only reports and looks, so that the counts it
 * decides on include the clients that have reconnected by then.
 */
public final class Rebalancer {

  private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

  private static final RedisScript LOADS = RedisScript.resource(Rebalancer.class, "node_loads.lua");

  /** The hash of node loads; the hash tag keeps it on one slot of a Redis Cluster. */
  static final String KEY = "{nodes}:loads";

  /** A node that has not reported for this many intervals is gone. */
  static final int STALE_INTERVALS = 3;

  private final Vertx vertx;
  private final SharedRedis redis;
  private final String nodeId;
  private final EngineIoServer engine;
  private final RebalanceOptions options;
  private final Shares shares;
  private final BooleanSupplier ready;
  private final Counter moved;
  private final long timer;
  private Set<String> lastReady = Set.of();
  private boolean moving;
  private boolean wasOver;
  private boolean justMoved;
  private volatile boolean closed;

  private Rebalancer(
      Vertx vertx,
      SharedRedis redis,
      String nodeId,
      EngineIoServer engine,
      RebalanceOptions options,
      BooleanSupplier ready,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.redis = redis;
    this.nodeId = nodeId;
    this.engine = engine;
    this.options = options;
    this.shares = new Shares(options);
    this.ready = ready;
    this.moved =
        Counter.builder("nexus.rebalance.moved")
            .description("connections this node asked to reconnect elsewhere (rebalancing)")
            .register(registry);
    this.timer = vertx.setPeriodic(options.intervalMs(), id -> tick());
  }

  /**
   * Starts reporting and rebalancing every interval.
   *
   * @param ready whether this node takes new clients (false while it drains)
   */
  public static Rebalancer start(
      Vertx vertx,
      SharedRedis redis,
      String nodeId,
      EngineIoServer engine,
      RebalanceOptions options,
      BooleanSupplier ready,
      MeterRegistry registry) {
    return new Rebalancer(vertx, redis, nodeId, engine, options, ready, registry);
  }

  /** Tells the other nodes at once that this one takes no new clients (a drain began). */
  public Future<Void> leaving() {
    return report(engine.clientsCount(), false).mapEmpty();
  }

  /** Stops, and removes this node from the shared counts. */
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    return redis
        .eval(LOADS, List.of(redis.key(KEY)), List.of(nodeId, "-", 0, maxAgeMs()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private long maxAgeMs() {
    return options.intervalMs() * STALE_INTERVALS;
  }

  private Future<TreeMap<String, Long>> report(long connections, boolean takesClients) {
    return redis
        .eval(
            LOADS,
            List.of(redis.key(KEY)),
            List.of(nodeId, connections, takesClients ? 1 : 0, maxAgeMs()))
        .map(Rebalancer::readyCounts);
  }

  /**
   * Connections of the nodes that take new clients, by node id; an entry no node wrote is skipped,
   * so that it neither stops every node's rebalancing nor, negative, makes every node move.
   */
  static TreeMap<String, Long> readyCounts(Response entries) {
    TreeMap<String, Long> ready = new TreeMap<>();
    for (int i = 0; i + 1 < entries.size(); i += 2) {
      String[] value = entries.get(i + 1).toString().split(" ");
      if (value.length == 3 && value[1].equals("1") && value[0].matches("\\d{1,12}")) {
        ready.put(entries.get(i).toString(), Long.parseLong(value[0]));
      }
    }
    return ready;
  }

  private void tick() {
    if (closed) {
      return;
    }
    boolean takesClients = ready.getAsBoolean();
    long mine = engine.clientsCount();
    report(mine, takesClients)
        .onSuccess(counts -> decide(takesClients, mine, counts))
        .onFailure(e -> LOG.debug("reporting this node's connections failed: {}", e.toString()));
  }

  private void decide(boolean takesClients, long mine, TreeMap<String, Long> counts) {
    boolean stable = counts.keySet().equals(lastReady);
    lastReady = Set.copyOf(counts.keySet());
    if (!takesClients || counts.size() < 2 || !stable || closed) {
      moving = false;
      wasOver = false;
      return;
    }
    if (justMoved) {
      justMoved = false;
      return;
    }
    double mean = Shares.mean(counts.values());
    boolean over = shares.over(mine, mean);
    boolean start = !moving && over && wasOver;
    wasOver = over;
    if (start) {
      moving = true;
      LOG.info(
          "this node holds {} connections, the mean of {} ready nodes is {}: moving clients to the others",
          mine,
          counts.size(),
          Math.round(mean));
    }
    if (!moving) {
      return;
    }
    int move = shares.toMove(mine, mean);
    if (move == 0) {
      moving = false;
      LOG.info("rebalanced: {} connections, mean {}", mine, Math.round(mean));
      return;
    }
    justMoved = true;
    closeSome(move);
  }

  /** Closes {@code count} random sessions, each at a random moment of the coming interval. */
  private void closeSome(int count) {
    List<EngineSocket> sessions = new ArrayList<>(engine.sessions());
    Collections.shuffle(sessions, ThreadLocalRandom.current());
    for (EngineSocket session : sessions.subList(0, Math.min(count, sessions.size()))) {
      long delay = 1 + ThreadLocalRandom.current().nextLong(options.intervalMs());
      vertx.setTimer(
          delay,
          id -> {
            if (!closed && !session.isClosed()) {
              session.close(EngineSocket.SERVER_SHUTTING_DOWN);
              moved.increment();
            }
          });
    }
  }
}
