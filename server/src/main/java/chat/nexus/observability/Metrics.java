package chat.nexus.observability;

import chat.nexus.llm.KeyPool;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmMetrics;
import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.store.Database;
import chat.nexus.store.MessageWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The Prometheus metrics under the contract's names (nexus_*), plus the JVM's. Micrometer adds the
 * unit and _total suffixes, so a meter named "nexus.messages" is exported as nexus_messages_total.
 */
public final class Metrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter messages;
  private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
  private final Counter rateLimitFailedOpen;
  private final Timer ackLatency;
  private final Timer rateLimitCheck;
  private final HttpMetrics http = new HttpMetrics(registry);
  private JvmGcMetrics gc;

  public Metrics() {
    messages =
        Counter.builder("nexus.messages").description("chat messages stored").register(registry);
    rateLimitFailedOpen =
        Counter.builder("nexus.rate.limit.errors")
            .description(
                "rate limit checks that failed (Redis unreachable) and let the request through")
            .register(registry);
    ackLatency =
        Timer.builder("nexus.ack.latency")
            .description("message:send received to ack sent (stored)")
            .publishPercentileHistogram()
            .register(registry);
    rateLimitCheck =
        Timer.builder("nexus.rate.limit.check")
            .description(
                "one rate limit check, from the call to its answer (what the limiter adds to a request or event)")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("nexus.build.info", () -> 1)
        .tag("version", BuildInfo.version())
        .description("always 1; the version label says which build this node runs")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Gauges read from the running parts; call once they exist. */
  public void bind(SocketIoServer io, Database database, LlmGateway llm) {
    Gauge.builder("nexus.connections", io.engine(), engine -> engine.clientsCount())
        .description("open Engine.IO connections")
        .register(registry);
    FunctionCounter.builder("nexus.deliveries", io, Metrics::deliveries)
        .description("packets handed to sockets (one per recipient)")
        .register(registry);
    Gauge.builder("nexus.db.pool.active", database, Database::activeConnections)
        .description("database connections in use")
        .register(registry);
    Gauge.builder("nexus.db.up", database, d -> d.health().isUp() ? 1 : 0)
        .description(
            "1 while the database answers, 0 during an outage (requests answered UNAVAILABLE)")
        .register(registry);
    replicas(database);
    Gauge.builder("nexus.llm.in.flight", llm.gate(), gate -> gate.inFlight()).register(registry);
    Gauge.builder("nexus.llm.waiting", llm.gate(), gate -> gate.waiting()).register(registry);
    Gauge.builder("nexus.llm.max.concurrent", llm.gate(), gate -> gate.maxConcurrent())
        .description("LLM_MAX_CONCURRENT: the most LLM calls in flight at once")
        .register(registry);
    FunctionCounter.builder("nexus.llm.rejected", llm.gate(), gate -> gate.rejected())
        .description("LLM calls refused with AI_BUSY")
        .register(registry);
    LlmMetrics m = llm.metrics();
    FunctionCounter.builder("nexus.llm.retries", m, LlmMetrics::retries).register(registry);
    FunctionCounter.builder("nexus.llm.tokens", m, LlmMetrics::tokens).register(registry);
    FunctionCounter.builder("nexus.llm.cache.hits", m, LlmMetrics::cacheHits).register(registry);
    FunctionCounter.builder("nexus.llm.upstream.errors", m, LlmMetrics::upstreamErrors)
        .register(registry);
    KeyPool keys = llm.keyPool();
    if (keys != null) {
      for (int i = 0; i < keys.size(); i++) {
        int index = i;
        FunctionCounter.builder("nexus.llm.key.calls", keys, pool -> pool.uses(index))
            .tag("key", "key-" + (i + 1))
            .register(registry);
      }
    }
  }

  /**
   * With DATABASE_READ_URL: nexus_db_replica_up per replica, and nexus_db_reads_total by where the
   * routed reads (history, companion chats, characters) ran. Strong references: see {@link #redis}.
   */
  private void replicas(Database database) {
    if (database.replicaStates().isEmpty()) {
      return;
    }
    database
        .replicaStates()
        .forEach(
            (name, up) ->
                Gauge.builder("nexus.db.replica.up", up, u -> u.getAsBoolean() ? 1 : 0)
                    .strongReference(true)
                    .tag("replica", name)
                    .description(
                        "1 while the replica serves reads, 0 while it is down or too far behind")
                    .register(registry));
    FunctionCounter.builder("nexus.db.reads", database, Database::replicaReads)
        .tag("target", "replica")
        .description("routed reads (history, companion chats, characters) by where they ran")
        .register(registry);
    FunctionCounter.builder("nexus.db.reads", database, Database::primaryReads)
        .tag("target", "primary")
        .description("routed reads (history, companion chats, characters) by where they ran")
        .register(registry);
  }

  /**
   * nexus_message_store_backlog: messages received and not yet stored (their acks wait for it), and
   * nexus_event_loop_delay_seconds.
   */
  public void bindNode(Vertx vertx, MessageWriter writer) {
    Gauge.builder("nexus.message.store.backlog", writer, MessageWriter::backlog)
        .description("messages waiting to be stored (and acknowledged)")
        .register(registry);
    EventLoopDelay.watch(vertx, registry);
  }

  /** nexus_http_requests_seconds, by route template, method and status class. */
  public HttpMetrics http() {
    return http;
  }

  /** Shows the rate-limit counters (at 0) before the first refusal. */
  public void rateLimits(String... names) {
    for (String name : names) {
      rateLimitCounter(name);
    }
  }

  /**
   * nexus_redis_up: 1 while the node's Redis answers (its shared client and the Socket.IO adapter's
   * links). The gauge holds {@code up} strongly: Micrometer keeps a weak reference by default, and
   * a lambda that only the gauge holds is collected by the next GC, after which the gauge reads
   * NaN.
   */
  public void redis(BooleanSupplier up) {
    Gauge.builder("nexus.redis.up", up, u -> u.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description("1 when Redis answers, 0 when it does not")
        .register(registry);
  }

  /** HikariCP's own pool meters (hikaricp_connections_*), next to nexus_db_pool_active. */
  public void pool(Database database) {
    database.bindMetrics(registry);
  }

  /** The registry, for reporters and for the meters of other parts (the LLM gateway's timers). */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * nexus_redis_publish_dropped_total: broadcasts the Socket.IO Redis adapter could not publish
   * while Redis was down (delivered on this node only). Its connection state is part of
   * nexus_redis_up ({@link #redis}).
   */
  public void bindRedis(RedisAdapterFactory redis) {
    FunctionCounter.builder(
            "nexus.redis.publish.dropped", redis, RedisAdapterFactory::droppedPublishes)
        .description("messages for other nodes not published because Redis was down or too slow")
        .register(registry);
  }

  private static double deliveries(SocketIoServer io) {
    long total = 0;
    for (Namespace namespace : io.namespaces()) {
      total += namespace.adapter().deliveries();
    }
    return total;
  }

  public void messageStored() {
    messages.increment();
  }

  /** A request or event refused by the named limit (api, events, llm). */
  public void rateLimited(String limit) {
    rateLimitCounter(limit).increment();
  }

  public void rateLimitChecked(long nanos) {
    rateLimitCheck.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void rateLimitFailedOpen() {
    rateLimitFailedOpen.increment();
  }

  private Counter rateLimitCounter(String limit) {
    return rateLimited.computeIfAbsent(
        limit,
        name ->
            Counter.builder("nexus.rate.limited")
                .tag("limit", name)
                .description("requests and events refused by the rate limiter")
                .register(registry));
  }

  public void ackLatency(long nanos) {
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
