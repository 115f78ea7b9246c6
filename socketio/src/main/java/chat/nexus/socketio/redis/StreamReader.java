package chat.nexus.socketio.redis;

import chat.nexus.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads the adapter's stream with XREAD BLOCK on a connection of its own (a blocked connection can
 * do nothing else) and hands each entry to the adapter of its namespace. One reader per node and
 * stream, as the npm adapter has. Starts at the stream's end ("$"), then follows the last id it
 * read, so that a lost connection resumes where it stopped; a failed read is retried with backoff
 * on a new connection, and a read unanswered well past its block time counts as failed (a half-open
 * connection answers nothing). At most {@code readCount} entries are in memory per read. Everything
 * runs on the reader's own context, one read at a time.
 */
final class StreamReader {

  private static final System.Logger LOG = System.getLogger(StreamReader.class.getName());

  /** Where XREAD starts when nothing was read yet: entries added from now on. */
  private static final String NEW_ENTRIES = "$";

  /** How long past its block time a read may take before its connection is given up. */
  static final long READ_GRACE_MS = 5_000;

  /** What a namespace's adapter does with an entry of the stream. */
  interface Consumer {
    void onEntry(StreamEntries.Entry entry);
  }

  private final Vertx vertx;
  private final RedisOptions redisOptions;
  private Redis client;
  private final Context context;
  private final String stream;
  private final RedisStreamsOptions options;
  private final Backoff backoff;
  private final String endpoint;
  private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();
  private String lastId = NEW_ENTRIES;
  private int failures;
  private volatile boolean closed;

  StreamReader(Vertx vertx, RedisAdapterOptions adapter, RedisStreamsOptions options) {
    this.vertx = vertx;
    this.stream = options.streamName();
    this.options = options;
    this.endpoint = adapter.endpointDescription();
    // One connection, which a client of its own holds: replacing the client is what closes a
    // connection that stopped answering.
    // In the address's mode (one server, a cluster, sentinels), as the link's connections.
    this.redisOptions = adapter.link().clientOptions().setMaxPoolSize(1).setMaxPoolWaiting(1);
    this.client = Redis.createClient(vertx, redisOptions);
    this.context = vertx.getOrCreateContext();
    this.backoff =
        new Backoff(
            adapter.initialReconnectDelayMs(), adapter.maxReconnectDelayMs(), Backoff.Jitter.EQUAL);
  }

  /** Entries of namespace {@code nsp} go to {@code consumer} from now on. */
  void register(String nsp, Consumer consumer) {
    consumers.put(nsp, consumer);
  }

  void unregister(String nsp, Consumer consumer) {
    consumers.remove(nsp, consumer);
  }

  void start() {
    context.runOnContext(v -> read());
  }

  void close() {
    closed = true;
    context.runOnContext(v -> client.close());
  }

  private void read() {
    if (closed) {
      return;
    }
    Request xread =
        Request.cmd(Command.XREAD)
            .arg("COUNT")
            .arg(options.readCount())
            .arg("BLOCK")
            .arg(options.blockTimeMs())
            .arg("STREAMS")
            .arg(stream)
            .arg(lastId);
    client
        .send(xread)
        .timeout(options.blockTimeMs() + READ_GRACE_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            result -> {
              if (closed) {
                return;
              }
              if (result.failed()) {
                client.close();
                client = Redis.createClient(vertx, redisOptions);
                retry(result.cause());
                return;
              }
              if (failures > 0) {
                LOG.log(Level.INFO, "Redis adapter: reading stream '" + stream + "' again");
                failures = 0;
              }
              try {
                deliver(result.result());
              } catch (RuntimeException e) {
                // a reply of an unexpected shape: skipped, and the reading goes on
                LOG.log(Level.WARNING, "Redis adapter: could not read stream '" + stream + "'", e);
              } finally {
                read();
              }
            });
  }

  private void deliver(Response reply) {
    for (Response raw : StreamEntries.list(StreamEntries.streamPart(reply, stream))) {
      if (raw == null || raw.size() == 0) {
        continue;
      }
      lastId = raw.get(0).toString();
      try {
        StreamEntries.Entry entry = StreamEntries.decode(raw);
        Consumer consumer = consumers.get(entry.nsp());
        if (consumer != null) {
          consumer.onEntry(entry);
        }
      } catch (RuntimeException e) {
        LOG.log(
            Level.DEBUG,
            () -> "Redis adapter: skipped stream entry " + lastId + ": " + e.getMessage());
      }
    }
  }

  private void retry(Throwable cause) {
    if (failures == 0) {
      LOG.log(
          Level.WARNING,
          "Redis adapter: cannot read stream '"
              + stream
              + "' at "
              + endpoint
              + " ("
              + cause.getMessage()
              + "); retrying with backoff");
    }
    long delay = backoff.delayMs(failures);
    failures++;
    vertx.setTimer(delay, id -> context.runOnContext(v -> read()));
  }
}
