package chat.nexus.bench;

import chat.nexus.runtime.VertxInternals;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * What the Redis adapters cost a cluster per room broadcast: one publishing node and {@code nodes}
 * subscriber nodes (each a real adapter on its own Redis connections, all in this process), {@code
 * rooms} rooms each with {@code membersPerNode} members on {@code nodesPerRoom} consecutive nodes,
 * and {@code rate} broadcasts a second to the rooms in turn. Measures, over a window after a
 * warm-up, Redis's CPU and bytes out (INFO), the subscriber nodes' event-loop CPU and the
 * broadcast-to-node latency, each per broadcast; see {@link AdapterReport}.
 */
public final class AdapterBench {

  private static final long TIMEOUT_S = 60;
  private static final long DRAIN_MS = 2_000;

  /** The benchmark's parameters (the bench-adapters command's options). */
  public record Settings(
      String redisUrl,
      boolean sharded,
      int nodes,
      int rooms,
      int nodesPerRoom,
      int membersPerNode,
      int rate,
      int warmupSeconds,
      int durationSeconds,
      int textLength,
      String out,
      String csv) {}

  private AdapterBench() {}

  public static void run(Settings settings) throws Exception {
    Vertx subscribers = newVertx(2);
    Vertx publishing = newVertx(1);
    String key = "bench-" + UUID.randomUUID();
    Window window = new Window(settings);
    List<BenchNode> nodes = new ArrayList<>();
    try (RedisStats redis = new RedisStats(publishing, settings.redisUrl())) {
      for (int i = 0; i < settings.nodes(); i++) {
        nodes.add(new BenchNode(subscribers, settings.redisUrl(), key, settings.sharded(), window));
      }
      BenchNode publisher =
          new BenchNode(publishing, settings.redisUrl(), key, settings.sharded(), seq -> {});
      Future.all(nodes.stream().map(BenchNode::firstUp).toList())
          .await(TIMEOUT_S, TimeUnit.SECONDS);
      publisher.firstUp().await(TIMEOUT_S, TimeUnit.SECONDS);
      List<String> rooms = layout(settings, nodes);
      long receivers = awaitSubscriptions(settings, redis, key, rooms);
      Measured measured =
          measure(
              settings,
              window,
              redis,
              nodes,
              publisher,
              rooms,
              threads(subscribers),
              threads(publishing));
      new AdapterReport(settings, receivers, measured, window).write();
      publisher.close();
    } finally {
      nodes.forEach(BenchNode::close);
      subscribers.close().await(10, TimeUnit.SECONDS);
      publishing.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Vertx newVertx(int eventLoops) {
    return Vertx.vertx(
        new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true));
  }

  /** Room r has members on nodes r, r + 1, ... (modulo the number of nodes). */
  private static List<String> layout(Settings settings, List<BenchNode> nodes) {
    List<String> rooms = new ArrayList<>();
    for (int r = 0; r < settings.rooms(); r++) {
      String room = "room-" + r;
      rooms.add(room);
      for (int j = 0; j < Math.min(settings.nodesPerRoom(), nodes.size()); j++) {
        nodes.get((r + j) % nodes.size()).join(room, settings.membersPerNode());
      }
    }
    return rooms;
  }

  /**
   * Waits until Redis has every subscription the layout makes; returns how many subscribers one
   * broadcast reaches on average (classic: the pattern subscribers, every node; sharded: the room
   * channel's).
   */
  private static long awaitSubscriptions(
      Settings settings, RedisStats redis, String key, List<String> rooms) throws Exception {
    int perRoom = Math.min(settings.nodesPerRoom(), settings.nodes());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (System.nanoTime() < deadline) {
      long found;
      long wanted;
      if (settings.sharded()) {
        List<String> channels = rooms.stream().map(room -> key + "#/#" + room + "#").toList();
        found = redis.shardSubscribers(channels);
        wanted = (long) perRoom * rooms.size();
      } else {
        // each node subscribes to its pattern, then to the request channel, on one connection
        found = redis.subscribers(key + "-request#/#");
        wanted = settings.nodes() + 1L;
      }
      if (found >= wanted) {
        return settings.sharded() ? found / rooms.size() : found;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the nodes did not all subscribe within " + TIMEOUT_S + " s");
  }

  /** The event-loop threads of a Vert.x instance. */
  private static Set<Long> threads(Vertx vertx) throws Exception {
    Set<Long> ids = ConcurrentHashMap.newKeySet();
    List<Future<Void>> seen = new ArrayList<>();
    for (Context context : VertxInternals.eventLoopContexts(vertx)) {
      Promise<Void> promise = Promise.promise();
      context.runOnContext(
          v -> {
            ids.add(Thread.currentThread().getId());
            promise.complete();
          });
      seen.add(promise.future());
    }
    Future.all(seen).await(TIMEOUT_S, TimeUnit.SECONDS);
    return ids;
  }

  private static Measured measure(
      Settings settings,
      Window window,
      RedisStats redis,
      List<BenchNode> nodes,
      BenchNode publisher,
      List<String> rooms,
      Set<Long> subscriberThreads,
      Set<Long> publisherThreads)
      throws Exception {
    Publisher pacer = new Publisher(settings, window, publisher, rooms);
    pacer.start();
    Thread.sleep(TimeUnit.SECONDS.toMillis(settings.warmupSeconds()));
    Snapshot before = Snapshot.take(redis, nodes, subscriberThreads, publisherThreads);
    window.open(pacer.sent());
    Thread.sleep(TimeUnit.SECONDS.toMillis(settings.durationSeconds()));
    Snapshot after = Snapshot.take(redis, nodes, subscriberThreads, publisherThreads);
    window.close(pacer.sent());
    pacer.stop();
    Thread.sleep(DRAIN_MS);
    return new Measured(before, after);
  }

  /** The two snapshots around the measured window. */
  record Measured(Snapshot before, Snapshot after) {}

  /** Publishes {@code rate} broadcasts a second in 1 ms ticks on the publishing node's loop. */
  static final class Publisher {
    private final Settings settings;
    private final Window window;
    private final BenchNode node;
    private final List<String> rooms;
    private final String text;
    private volatile long sent;
    private long timer = -1;
    private Vertx vertx;

    Publisher(Settings settings, Window window, BenchNode node, List<String> rooms) {
      this.settings = settings;
      this.window = window;
      this.node = node;
      this.rooms = rooms;
      this.text = "x".repeat(settings.textLength());
    }

    void start() {
      vertx = node.vertx();
      long begin = System.nanoTime();
      // After a stall (a busy machine, a collection) at most 100 ms of broadcasts are caught up,
      // spread over ticks; the rest are skipped so that the pace resumes instead of a long burst.
      long maxBehind = Math.max(1, settings.rate() / 10);
      long maxPerTick = Math.max(1, settings.rate() / 200);
      long[] skipped = {0};
      timer =
          vertx.setPeriodic(
              1,
              id -> {
                long due =
                    (System.nanoTime() - begin) * settings.rate() / 1_000_000_000L - skipped[0];
                long next = sent;
                if (due - next > maxBehind) {
                  skipped[0] += due - next - maxBehind;
                  due = next + maxBehind;
                }
                long limit = Math.min(due, Math.min(next + maxPerTick, window.capacity()));
                for (; next < limit; next++) {
                  String room = rooms.get((int) (next % rooms.size()));
                  window.sentAt(next, System.nanoTime());
                  node.emit(room, new JsonObject().put("seq", next).put("text", text));
                }
                sent = next;
              });
    }

    long sent() {
      return sent;
    }

    void stop() {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * The sequence numbers published during the measured window, their send times, and the
   * broadcast-to-node latency of each of their receipts.
   */
  static final class Window implements LongConsumer {
    private final AtomicLongArray sentAt;
    private final long[] latencies;
    private final AtomicInteger count = new AtomicInteger();
    private volatile long first = Long.MAX_VALUE;
    private volatile long last = Long.MAX_VALUE;

    Window(Settings settings) {
      long broadcasts =
          (long) settings.rate() * (settings.warmupSeconds() + settings.durationSeconds() + 10);
      this.sentAt = new AtomicLongArray((int) broadcasts);
      long receipts =
          (long) settings.rate() * (settings.durationSeconds() + 2) * settings.nodesPerRoom();
      this.latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, receipts * 2)];
    }

    long capacity() {
      return sentAt.length();
    }

    void sentAt(long seq, long nanos) {
      sentAt.set((int) seq, nanos);
    }

    void open(long firstSeq) {
      first = firstSeq;
    }

    void close(long endSeq) {
      last = endSeq;
    }

    long broadcasts() {
      return last - first;
    }

    @Override
    public void accept(long seq) {
      if (seq >= first && seq < last && seq < sentAt.length()) {
        long latency = System.nanoTime() - sentAt.get((int) seq);
        int i = count.getAndIncrement();
        if (i < latencies.length) {
          latencies[i] = latency;
        }
      }
    }

    /** The latencies recorded, sorted. */
    long[] sortedLatencies() {
      long[] copy = Arrays.copyOf(latencies, Math.min(count.get(), latencies.length));
      Arrays.sort(copy);
      return copy;
    }
  }
}
