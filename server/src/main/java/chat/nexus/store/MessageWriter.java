package chat.nexus.store;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.runtime.Caches;
import chat.nexus.telemetry.Tracing;
import com.github.benmanes.caffeine.cache.Cache;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stores chat messages with group commit: one writer thread takes everything queued, inserts it as
 * one JDBC batch in one transaction, commits, and only then completes each message's future (so the
 * ack that follows means "stored"). The queue is bounded; when it is full, a send fails at once
 * with UNAVAILABLE rather than waiting. A duplicate clientId (per user and room) resolves to the
 * message stored first: the batch is then retried row by row.
 *
 * <p>Faults: while the database is down every send fails at once with UNAVAILABLE; a connection
 * lost during the commit leaves the outcome unknown, and the sends fail with UNAVAILABLE as well:
 * their retry with the same clientId finds the stored row if the commit did happen. {@link
 * Stored#announce()} says whether the caller should broadcast: for a new message, and for a
 * duplicate that this node never acknowledged as new (its first attempt was committed but its ack
 * failed, or another node stored it and may have died before broadcasting it). Receivers tell
 * repeats apart by message id.
 */
public final class MessageWriter implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MessageWriter.class.getName());

  /**
   * Messages waiting for the writer; about 20 s of the benchmark's 450/s, far beyond a healthy
   * backlog.
   */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  /**
   * Ids of messages this node acknowledged as new and so broadcast, for telling a retry that needs
   * its broadcast from one that does not. A retry comes within seconds to minutes of its first
   * attempt: 100,000 ids are over three minutes of the benchmark's 450 messages/s, in a few MB.
   */
  static final int ANNOUNCED_IDS = 100_000;

  /**
   * Rows per transaction: large enough to amortise the commit, small enough to keep each ack quick.
   */
  public static final int MAX_BATCH = 500;

  private static final long POLL_MS = 50;

  /**
   * On H2, commits are at least this far apart. Each H2 commit writes its changed pages out before
   * it returns (WRITE_DELAY=0), about half a millisecond of CPU on a small machine whatever the
   * number of rows; so at a steady 450 messages/s the writer commits about 4.5 messages at a time
   * instead of one, and the durable commits cost ~6 % of the chat server's CPU instead of ~25 %,
   * for a few milliseconds more to an ack. A message that comes later than this after the previous
   * commit waits for nothing. PostgreSQL commits cost this server only a round trip: no spacing
   * there.
   */
  static final long H2_COMMIT_INTERVAL_MS = 10;

  private static final String INSERT =
      "INSERT INTO messages (room_id, user_id, text, client_id, created_at, reply_to_id,"
          + " attachment) VALUES (?, ?, ?, ?, ?, ?, ?)";

  /**
   * The stored message; {@code duplicate} when an earlier send with the same clientId stored it;
   * {@code announce} when the caller should broadcast it (see the class comment).
   */
  public record Stored(Message message, boolean duplicate, boolean announce) {}

  /**
   * A queued message and where its sender waits: the writer thread completes the promise on the
   * sender's context, so the ack and the broadcast that follow run on the socket's event loop.
   * {@code trace} is the sender's span (null when tracing is off), which the batch's span links to.
   */
  private record Pending(
      NewMessage message,
      Instant createdAt,
      Context context,
      Promise<Stored> promise,
      SpanContext trace) {

    void succeed(Stored stored) {
      context.runOnContext(v -> promise.tryComplete(stored));
    }

    void fail(Throwable failure) {
      context.runOnContext(v -> promise.tryFail(failure));
    }
  }

  private final Vertx vertx;
  private final Database database;
  private final MessageStore store;
  private final BlockingQueue<Pending> queue;
  private final Cache<Long, Boolean> announced = Caches.inline().maximumSize(ANNOUNCED_IDS).build();
  private final Thread thread;
  private final long commitIntervalNanos;
  private long lastCommitNanos;
  private volatile boolean accepting = true;
  private volatile boolean running = true;

  public MessageWriter(Vertx vertx, Database database, MessageStore store, int queueCapacity) {
    this.vertx = vertx;
    this.database = database;
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.commitIntervalNanos =
        database.isPostgres() ? 0 : TimeUnit.MILLISECONDS.toNanos(H2_COMMIT_INTERVAL_MS);
    this.lastCommitNanos = System.nanoTime() - commitIntervalNanos;
    this.thread = new Thread(this::run, "nexus-message-writer");
    thread.start();
  }

  /** Queues a message; the future completes on the caller's context once it is committed. */
  public Future<Stored> write(NewMessage message) {
    Context context = vertx.getOrCreateContext();
    Promise<Stored> promise = Promise.promise();
    if (!accepting) {
      promise.fail(shuttingDown());
    } else if (!queue.offer(
        new Pending(
            message,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            context,
            promise,
            Tracing.currentContext()))) {
      promise.fail(
          new ApiException(
              ErrorCode.UNAVAILABLE,
              "too many messages waiting to be stored",
              DatabaseHealth.BUSY_RETRY_AFTER_S));
    }
    return promise.future();
  }

  private static ApiException shuttingDown() {
    return new ApiException(
        ErrorCode.UNAVAILABLE, "the server is shutting down", DatabaseHealth.BUSY_RETRY_AFTER_S);
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
        long wait = lastCommitNanos + commitIntervalNanos - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(
              wait); // more messages come in meanwhile: one commit for them all
        }
        queue.drainTo(batch, MAX_BATCH - 1);
        Span span = Tracing.on() ? Tracing.linked("chat message store", traces(batch)) : null;
        try (Scope scope = Tracing.scope(span)) {
          writeBatch(batch);
        } finally {
          Tracing.end(span, null);
        }
        lastCommitNanos = System.nanoTime();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        batch.forEach(p -> p.fail(shuttingDown()));
        break;
      } catch (RuntimeException | AssertionError e) {
        // AssertionError: the PostgreSQL driver, with assertions on, asserts that a batch's
        // connection answers getAutoCommit(), which fails when the server closed it mid-batch. The
        // writer must outlive a failed batch whatever its cause: a stopped writer loses every send.
        Throwable answer = database.health().failed(e);
        if (!(answer instanceof ApiException)) {
          LOG.log(Level.ERROR, "message writer failed", e);
        }
        batch.forEach(p -> p.fail(answer));
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
        if (ids.size() == batch.size()) {
          MentionRows.insert(c, batch.stream().map(Pending::message).toList(), ids);
        }
      } catch (SQLException e) {
        if (DatabaseHealth.isConnectionFailure(e)) {
          throw e;
        }
        c.rollback();
        writeOneByOne(c, batch, e);
        return;
      }
      if (ids.size() != batch.size()) {
        c.rollback();
        writeOneByOne(
            c,
            batch,
            new SQLException(
                "driver returned " + ids.size() + " keys for " + batch.size() + " rows"));
        return;
      }
      c.commit(); // a failure here leaves the outcome unknown: UNAVAILABLE, and the retry finds
      // the row if any
      database.wrote(c, () -> rooms(batch));
      for (int i = 0; i < batch.size(); i++) {
        stored(batch.get(i), ids.get(i));
      }
    } catch (SQLException | RuntimeException e) {
      Throwable answer = database.health().failed(e);
      if (!(answer instanceof ApiException)) {
        LOG.log(Level.ERROR, "storing " + batch.size() + " messages failed", e);
      }
      batch.forEach(p -> p.fail(answer));
    }
  }

  private static List<SpanContext> traces(List<Pending> batch) {
    List<SpanContext> traces = new ArrayList<>(batch.size());
    batch.forEach(pending -> traces.add(pending.trace()));
    return traces;
  }

  private static Set<String> rooms(List<Pending> batch) {
    Set<String> rooms = new HashSet<>();
    for (Pending pending : batch) {
      rooms.add(Database.roomKey(pending.message().roomId()));
    }
    return rooms;
  }

  /** A message committed under this id: remembered as announced, since its caller broadcasts it. */
  private void stored(Pending pending, long id) {
    acknowledge(pending, id).run();
  }

  /**
   * Remembers the id as announced at once (a duplicate later in the same batch must find it), and
   * returns the ack.
   */
  private Runnable acknowledge(Pending pending, long id) {
    NewMessage m = pending.message();
    announced.put(id, Boolean.TRUE);
    Stored stored = new Stored(m.stored(id, pending.createdAt()), false, true);
    return () -> pending.succeed(stored);
  }

  /**
   * Each row in its own transaction: the rows that can be stored are, a duplicate resolves to the
   * stored one, and any other refusal fails only its own send. A lost connection fails the rest
   * (the caller).
   */
  private void writeOneByOne(Connection c, List<Pending> batch, SQLException cause)
      throws SQLException {
    LOG.log(
        Level.DEBUG,
        () ->
            "batch of "
                + batch.size()
                + " failed ("
                + cause.getMessage()
                + "), storing row by row");
    c.setAutoCommit(true);
    List<Runnable> acks = new ArrayList<>(batch.size());
    try {
      storeEach(c, batch, acks);
    } finally {
      // the rows stored before a lost connection are acknowledged, after their WAL position
      database.wrote(c, () -> rooms(batch));
      acks.forEach(Runnable::run);
    }
  }

  /** Stores each row; the acks of those stored (or found) run once the caller has noted them. */
  private void storeEach(Connection c, List<Pending> batch, List<Runnable> acks)
      throws SQLException {
    for (Pending pending : batch) {
      try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
        bind(ps, pending);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          long id = keys.getLong(1);
          MentionRows.insert(c, List.of(pending.message()), List.of(id));
          acks.add(acknowledge(pending, id));
        }
      } catch (SQLException e) {
        if (DatabaseHealth.isConnectionFailure(e)) {
          throw e;
        }
        NewMessage m = pending.message();
        Optional<Message> existing =
            Sql.isUniqueViolation(e) && m.clientId() != null
                ? store.findByClientId(c, m.userId(), m.roomId(), m.clientId())
                : Optional.empty();
        if (existing.isPresent()) {
          boolean announce =
              announced.asMap().putIfAbsent(existing.get().id(), Boolean.TRUE) == null;
          Stored found = new Stored(existing.get(), true, announce);
          acks.add(() -> pending.succeed(found));
        } else {
          LOG.log(
              Level.ERROR,
              "a message could not be stored: " + e.getSQLState() + " " + DatabaseHealth.reason(e));
          pending.fail(e);
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
    ps.setObject(6, m.replyTo() == null ? null : m.replyTo().id(), Types.BIGINT);
    ps.setString(7, m.attachment());
  }

  /**
   * Stops taking messages and waits until every queued one is committed and acknowledged, or the
   * timeout passes. Used by graceful shutdown.
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
}
