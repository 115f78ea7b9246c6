package chat.nexus.socketio.redis;

import chat.nexus.socketio.Namespace;
import chat.nexus.socketio.adapter.Adapter;
import chat.nexus.socketio.adapter.InMemoryAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Makes the Redis adapter of each namespace, all sharing one pair of Redis connections. Plug it
 * into {@code SocketIoOptions.builder().adapterFactory(...)}; close it after the Socket.IO server:
 *
 * <pre>{@code
 * RedisAdapterFactory redis = RedisAdapterFactory.create(vertx, RedisAdapterOptions.builder("redis://127.0.0.1:6379").build());
 * SocketIoServer io = SocketIoServer.create(vertx, SocketIoOptions.builder().adapterFactory(redis).build());
 * }</pre>
 *
 * <p>It connects in the background: a server starts, and serves its own clients, while Redis is
 * unreachable; {@link #isUp()} and {@link #onStateChange} tell when cross-node delivery works.
 */
public final class RedisAdapterFactory implements Function<Namespace, Adapter>, AutoCloseable {

  private final RedisAdapterOptions options;
  private final RedisLink link;

  /** The streams mode's reader, on a connection of its own. */
  private final Optional<StreamReader> reader;

  /** The streams mode's entries not added (Redis down or too slow). */
  private final LongAdder droppedEntries = new LongAdder();

  private RedisAdapterFactory(Vertx vertx, RedisAdapterOptions options) {
    this.options = options;
    this.link = RedisLink.connect(vertx, options.link(), new AdapterLog(options));
    this.reader = options.streams().map(streams -> new StreamReader(vertx, options, streams));
    reader.ifPresent(StreamReader::start);
  }

  public static RedisAdapterFactory create(Vertx vertx, RedisAdapterOptions options) {
    return new RedisAdapterFactory(vertx, options);
  }

  /**
   * A cluster adapter that delivers on this node through the options' local adapter; in the streams
   * mode through a plain in-memory one, since sessions and offsets are in Redis.
   */
  @Override
  public Adapter apply(Namespace namespace) {
    if (reader.isPresent()) {
      InMemoryAdapter local = new InMemoryAdapter(namespace, namespace.server().vertx());
      return new RedisStreamsAdapter(namespace, local, link, options, reader.get(), droppedEntries);
    }
    InMemoryAdapter local = namespace.server().options().localAdapter(namespace);
    return options.sharded()
        ? new ShardedRedisAdapter(namespace, local, link, options)
        : new RedisAdapter(namespace, local, link, options);
  }

  public RedisAdapterOptions options() {
    return options;
  }

  /** Whether both connections to Redis are open (the {@code nexus_redis_up} gauge). */
  public boolean isUp() {
    return link.isUp();
  }

  /** Called with true/false on every change of {@link #isUp()}. */
  public void onStateChange(Consumer<Boolean> handler) {
    link.onStateChange(handler);
  }

  /** Completes the first time Redis is reachable. */
  public Future<Void> firstUp() {
    return link.firstUp();
  }

  /**
   * Messages not published (or stream entries not added) because Redis was down or too slow (they
   * were still delivered locally).
   */
  public long droppedPublishes() {
    return link.dropped() + droppedEntries.sum();
  }

  /** "Redis host:port (classic, key 'k')", "(sharded, ...)" or "(streams, ...)", no credentials. */
  public String description() {
    String mode =
        options
            .streams()
            .map(s -> "streams '" + s.streamName() + "'" + (options.sharded() ? ", sharded" : ""))
            .orElse(options.sharded() ? "sharded" : "classic");
    return "Redis " + link.endpoint() + " (" + mode + ", key '" + options.key() + "')";
  }

  public Future<Void> closeAsync() {
    reader.ifPresent(StreamReader::close);
    return link.close();
  }

  @Override
  public void close() {
    closeAsync();
  }
}
