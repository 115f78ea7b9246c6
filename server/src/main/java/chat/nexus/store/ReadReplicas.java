package chat.nexus.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which PostgreSQL replica may serve a read, so that a read sees every write this node made for the
 * same key (a room, a user, a shared table) before it.
 *
 * <p>After each commit the writer asks the primary for its WAL position ({@code
 * pg_current_wal_lsn()}, one query per commit or batch) and remembers it for the keys it wrote. One
 * thread asks, every {@value #POLL_INTERVAL_MS} ms, the primary for its WAL position and each
 * replica for the position it has replayed: one query each per interval, none per read. A read for
 * a key goes to a replica that has replayed past the key's last write, and to the primary when none
 * has. A replica is used only while it is within {@code maxLag} of the primary (it has replayed
 * what the primary had written {@code maxLag} ago) and answers; otherwise reads go to the primary,
 * with one log line when a replica leaves and one when it comes back.
 *
 * <p>The remembered positions expire {@code maxLag} plus two intervals after the write: by then
 * every replica still in use has replayed it. That is also what a read on another node (which does
 * not know this node's writes) gets: every write older than {@code maxLag} plus two intervals.
 */
final class ReadReplicas implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReadReplicas.class);

  /**
   * How often the primary's and the replicas' WAL positions are read: one query per interval on
   * each, while a read that waits for a replica to catch up goes to the primary meanwhile.
   */
  static final long POLL_INTERVAL_MS = 100;

  /**
   * Keys with a write not yet known to be on every replica in use: at most {@code maxLag} plus two
   * intervals of a node's writes (rooms written in a second or two), far under this.
   */
  static final int MAX_KEYS = 100_000;

  private static final String PRIMARY_POSITION = "SELECT (pg_current_wal_lsn() - '0/0')::bigint";

  /** A promoted replica no longer replays: then its own WAL position counts. */
  private static final String REPLICA_POSITION =
      "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
          + " ELSE pg_current_wal_lsn() END - '0/0')::bigint";

  private static final String NOT_POLLED = "not polled yet";

  /**
   * How long a poll query may wait for its answer: a host that stopped answering (a half-open
   * connection) would otherwise hold the poll for the pool's socket timeout.
   */
  static final int POLL_TIMEOUT_MS = 2_000;

  /** One replica's pool and what the last poll learnt of it. */
  static final class Replica {
    final String name;
    final HikariDataSource pool;
    volatile long replayed = -1;
    volatile boolean usable;
    volatile String state = NOT_POLLED;

    /** When the last poll that found it usable started ({@link System#nanoTime()}). */
    volatile long usableAt;

    Replica(String name, HikariDataSource pool) {
      this.name = name;
      this.pool = pool;
    }
  }

  /** A primary WAL position and when it was asked for (before the query left). */
  private record Sample(long nanos, long position) {}

  private final DataSource primary;
  private final BooleanSupplier primaryUp;
  private final List<Replica> replicas;
  private final long maxLagNanos;
  private final Cache<String, Long> lastWrites;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final long staleNanos;
  private final AtomicInteger next = new AtomicInteger();
  private final LongAdder replicaReads = new LongAdder();
  private final LongAdder primaryReads = new LongAdder();
  private boolean pollFailing;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "nexus-db-replicas");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param primary the primary's pool, asked for its WAL position
   * @param primaryUp whether the primary answers; while it does not, its pool is left alone
   */
  ReadReplicas(
      DataSource primary, BooleanSupplier primaryUp, List<Replica> replicas, long maxLagMs) {
    this.primary = primary;
    this.primaryUp = primaryUp;
    this.replicas = List.copyOf(replicas);
    this.maxLagNanos = TimeUnit.MILLISECONDS.toNanos(maxLagMs);
    this.staleNanos = maxLagNanos + 2 * pollNanos();
    this.lastWrites =
        Caffeine.newBuilder()
            .maximumSize(MAX_KEYS)
            .expireAfterWrite(Duration.ofMillis(maxLagMs + 2 * POLL_INTERVAL_MS))
            .build();
    poller.scheduleWithFixedDelay(this::poll, 0, POLL_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  List<Replica> replicas() {
    return replicas;
  }

  /**
   * Remembers the primary's WAL position after a commit on {@code connection} for these keys. Never
   * throws: when the position cannot be read, the keys are read from the primary until they expire.
   */
  void wrote(Connection connection, Collection<String> keys) {
    long position;
    try (PreparedStatement ps = connection.prepareStatement(PRIMARY_POSITION);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      position = rs.getLong(1);
    } catch (SQLException e) {
      position = Long.MAX_VALUE;
    }
    for (String key : keys) {
      lastWrites.asMap().merge(key, position, Math::max);
    }
  }

  /**
   * A replica that has replayed this key's last write, in turn; empty: read from the primary. A
   * replica counts only while a poll found it usable within {@code maxLag} plus two intervals, as
   * long as the remembered writes are kept: a poll that hangs or fails does not keep reads on a
   * replica it no longer watches.
   */
  Optional<Replica> choose(String key) {
    Long written = lastWrites.getIfPresent(key);
    long needed = written == null ? 0 : written;
    long now = System.nanoTime();
    int start = next.getAndIncrement();
    for (int i = 0; i < replicas.size(); i++) {
      Replica replica = replicas.get(Math.floorMod(start + i, replicas.size()));
      if (inUse(replica, now) && replica.replayed >= needed) {
        replicaReads.increment();
        return Optional.of(replica);
      }
    }
    primaryReads.increment();
    return Optional.empty();
  }

  /** Whether the replica serves reads now: usable at its last poll, and that poll recent. */
  boolean inUse(Replica replica) {
    return inUse(replica, System.nanoTime());
  }

  private boolean inUse(Replica replica, long now) {
    return replica.usable && now - replica.usableAt <= staleNanos;
  }

  /** A read on the replica failed: the primary serves it, and the replica waits for a poll. */
  void failed(Replica replica, SQLException failure) {
    replicaReads.decrement();
    primaryReads.increment();
    if (DatabaseHealth.isConnectionFailure(failure)) {
      mark(replica, false, "unreachable: " + DatabaseHealth.reason(failure));
    }
  }

  long replicaReads() {
    return replicaReads.sum();
  }

  long primaryReads() {
    return primaryReads.sum();
  }

  private void poll() {
    try {
      long now = System.nanoTime();
      samples.addLast(new Sample(now, primaryPosition()));
      while (samples.size() > 1 && now - samples.peekFirst().nanos() > maxLagNanos + pollNanos()) {
        samples.removeFirst();
      }
      for (Replica replica : replicas) {
        pollReplica(replica, now);
      }
      pollFailing = false;
    } catch (Throwable e) {
      // Anything thrown out of here would end the schedule for good (the driver's assertions
      // throw Errors); the replicas go out of use by themselves while no poll succeeds.
      if (!pollFailing) {
        LOG.warn("polling the read replicas failed; replicas unused until a poll succeeds", e);
      } else {
        LOG.debug("polling the read replicas failed again", e);
      }
      pollFailing = true;
    }
  }

  /**
   * The primary's WAL position; when the primary cannot be asked, the last one known: nothing can
   * be committed there meanwhile, so the replicas stay usable for reads.
   */
  private long primaryPosition() {
    if (!primaryUp.getAsBoolean()) {
      // a request waiting on the pool would keep HikariCP connecting with growing pauses, and
      // delay the pool's recovery (see Database)
      return lastPosition();
    }
    try (Connection c = primary.getConnection()) {
      return position(c, PRIMARY_POSITION);
    } catch (SQLException e) {
      return lastPosition();
    }
  }

  private long lastPosition() {
    return samples.isEmpty() ? Long.MAX_VALUE : samples.peekLast().position();
  }

  private void pollReplica(Replica replica, long now) {
    long replayed;
    try (Connection c = replica.pool.getConnection()) {
      replayed = position(c, REPLICA_POSITION);
      if (replayed < 0) {
        mark(replica, false, "has replayed nothing yet");
        return;
      }
    } catch (SQLException e) {
      mark(replica, false, "unreachable: " + DatabaseHealth.reason(e));
      return;
    }
    replica.replayed = replayed;
    long lagNanos = Long.MAX_VALUE;
    for (var it = samples.descendingIterator(); it.hasNext(); ) {
      Sample sample = it.next();
      if (sample.position() <= replayed) {
        lagNanos = now - sample.nanos();
        break;
      }
    }
    if (lagNanos <= maxLagNanos) {
      replica.usableAt = now;
      mark(replica, true, "in use");
    } else {
      mark(
          replica,
          false,
          "more than " + TimeUnit.NANOSECONDS.toMillis(maxLagNanos) + " ms behind the primary");
    }
  }

  /**
   * A WAL position asked on a pooled connection, or -1 when the query gives none; the socket
   * timeout set here for the query goes back to the pool's when the pool takes the connection back.
   */
  private static long position(Connection c, String query) throws SQLException {
    c.setNetworkTimeout(Runnable::run, POLL_TIMEOUT_MS);
    try (PreparedStatement ps = c.prepareStatement(query);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long position = rs.getLong(1);
      return rs.wasNull() ? -1 : position;
    }
  }

  /** Changes a replica's state; a log line when it starts or stops serving reads. */
  private void mark(Replica replica, boolean usable, String state) {
    boolean first = replica.state.equals(NOT_POLLED);
    boolean was = replica.usable;
    replica.usable = usable;
    replica.state = state;
    if (!first && usable == was) {
      return;
    }
    if (usable) {
      LOG.info("read replica {} in use", replica.name);
    } else {
      LOG.warn("read replica {} {}: its reads go to the primary", replica.name, state);
    }
  }

  private static long pollNanos() {
    return TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL_MS);
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    replicas.forEach(r -> r.pool.close());
  }
}
