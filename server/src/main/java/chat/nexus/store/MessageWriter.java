package chat.nexus.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stores chat messages with group commit: one writer thread takes everything queued, inserts it as one
 * JDBC batch in one transaction, commits, and only then completes each message's future (so the ack that
 * follows means "stored"). The queue is bounded; when it is full, a send fails at once with "busy" rather
 * than waiting. On a batch failure (a duplicate clientId) the batch is retried row by row, and a duplicate
 * resolves to the message stored first.
 */
public final class MessageWriter implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MessageWriter.class.getName());

  /** Messages waiting for the writer; about 20 s of the benchmark's 450/s, far beyond a healthy backlog. */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  /** Rows per transaction: large enough to amortise the commit, small enough to keep each ack quick. */
  public static final int MAX_BATCH = 500;
  private static final long POLL_MS = 50;
  private static final String INSERT =
      "INSERT INTO messages (room_id, user_id, text, client_id, created_at) VALUES (?, ?, ?, ?, ?)";

  /** A message to store. */
  public record NewMessage(String roomId, String userId, String text, String clientId) {}

  /** The stored message; {@code duplicate} when an earlier send with the same clientId stored it. */
  public record Stored(Message message, boolean duplicate) {}

  private record Pending(NewMessage message, Instant createdAt, PromiseInternal<Stored> promise) {}

  private final Vertx vertx;
  private final Database database;
  private final MessageStore store;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private volatile boolean accepting = true;
  private volatile boolean running = true;

  public MessageWriter(Vertx vertx, Database database, MessageStore store, int queueCapacity) {
    this.vertx = vertx;
    this.database = database;
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.thread = new Thread(this::run, "nexus-message-writer");
    thread.start();
  }

  /** Queues a message; the future completes on the caller's context once it is committed. */
  public Future<Stored> write(NewMessage message) {
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    PromiseInternal<Stored> promise = context.promise();
    if (!accepting) {
      promise.fail(new StoreBusyException("the server is shutting down"));
    } else if (!queue.offer(new Pending(message, Instant.now().truncatedTo(ChronoUnit.MILLIS), promise))) {
      promise.fail(new StoreBusyException("too many messages waiting to be stored"));
    }
    return promise.future();
  }

  /** Messages queued and not yet committed. */
  public int backlog() {
    return queue.size();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "message writer failed", e);
        batch.forEach(p -> p.promise().tryFail(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      List<Long> ids = new ArrayList<>(batch.size());
      try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
        for (Pending pending : batch) {
          bind(ps, pending);
          ps.addBatch();
        }
        ps.executeBatch();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          while (keys.next()) {
            ids.add(keys.getLong(1));
          }
        }
      } catch (SQLException e) {
        c.rollback();
        writeOneByOne(c, batch, e);
        return;
      }
      if (ids.size() != batch.size()) {
        c.rollback();
        writeOneByOne(c, batch, new SQLException("driver returned " + ids.size() + " keys for " + batch.size() + " rows"));
        return;
      }
      c.commit();
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        NewMessage m = p.message();
        p.promise().tryComplete(new Stored(new Message(ids.get(i), m.roomId(), m.userId(), m.text(), m.clientId(), p.createdAt()), false));
      }
    } catch (SQLException e) {
      LOG.log(Level.ERROR, "storing " + batch.size() + " messages failed", e);
      batch.forEach(p -> p.promise().tryFail(e));
    }
  }

  private void writeOneByOne(Connection c, List<Pending> batch, SQLException cause) throws SQLException {
    LOG.log(Level.DEBUG, () -> "batch of " + batch.size() + " failed (" + cause.getMessage() + "), storing row by row");
    c.setAutoCommit(true);
    for (Pending pending : batch) {
      try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
        bind(ps, pending);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          NewMessage m = pending.message();
          pending.promise().tryComplete(new Stored(new Message(keys.getLong(1), m.roomId(), m.userId(), m.text(), m.clientId(), pending.createdAt()), false));
        }
      } catch (SQLException e) {
        NewMessage m = pending.message();
        Optional<Message> existing = Sql.isUniqueViolation(e) && m.clientId() != null
            ? store.findByClientId(c, m.userId(), m.clientId())
            : Optional.empty();
        if (existing.isPresent()) {
          pending.promise().tryComplete(new Stored(existing.get(), true));
        } else {
          LOG.log(Level.ERROR, "storing a message failed", e);
          pending.promise().tryFail(e);
        }
      }
    }
  }

  private static void bind(PreparedStatement ps, Pending pending) throws SQLException {
    NewMessage m = pending.message();
    ps.setString(1, m.roomId());
    ps.setString(2, m.userId());
    ps.setString(3, m.text());
    ps.setString(4, m.clientId());
    ps.setObject(5, Sql.timestamp(pending.createdAt()));
  }

  /**
   * Stops taking messages and waits until every queued one is committed and acknowledged, or the timeout
   * passes. Used by graceful shutdown.
   */
  public boolean drain(long timeoutMs) throws InterruptedException {
    accepting = false;
    running = false;
    thread.join(timeoutMs);
    return !thread.isAlive();
  }

  /** How long close() waits for queued messages. */
  static final long CLOSE_TIMEOUT_MS = 10_000;

  @Override
  public void close() throws InterruptedException {
    drain(CLOSE_TIMEOUT_MS);
  }

  /** The store cannot take a message now; the client may retry. */
  public static final class StoreBusyException extends RuntimeException {
    StoreBusyException(String message) {
      super(message, null, false, false);
    }
  }
}
