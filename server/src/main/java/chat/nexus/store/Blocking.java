package chat.nexus.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs blocking work (JDBC, password hashing, card imports) on a named worker pool, never on an
 * event loop. The result comes back on the caller's Vert.x context. The work waiting for a thread
 * is bounded: past {@code queueLimit} a task is refused at once with the pool's {@code busy} answer
 * (UNAVAILABLE with retryAfter), so a flood cannot delay every other task without end. Failures
 * pass through {@code failures} on the way out (a database pool turns an outage into UNAVAILABLE
 * there).
 */
public final class Blocking implements AutoCloseable {

  private final WorkerExecutor executor;
  private final int threads;
  private final int queueLimit;
  private final UnaryOperator<Throwable> failures;
  private final Supplier<? extends Throwable> busy;

  /** Tasks accepted and not finished: running (at most {@code threads}) and waiting. */
  private final AtomicInteger pending = new AtomicInteger();

  /** A pool with the default queue limit whose failures pass unchanged. */
  public Blocking(Vertx vertx, String name, int threads) {
    this(vertx, name, threads, DatabaseOptions.DEFAULT_QUEUE_LIMIT, UnaryOperator.identity());
  }

  public Blocking(
      Vertx vertx, String name, int threads, int queueLimit, UnaryOperator<Throwable> failures) {
    this(vertx, name, threads, queueLimit, failures, DatabaseHealth::busy);
  }

  /**
   * @param busy the refusal of a task past the queue limit
   */
  public Blocking(
      Vertx vertx,
      String name,
      int threads,
      int queueLimit,
      UnaryOperator<Throwable> failures,
      Supplier<? extends Throwable> busy) {
    this.executor = vertx.createSharedWorkerExecutor(name, threads);
    this.threads = threads;
    this.queueLimit = queueLimit;
    this.failures = failures;
    this.busy = busy;
  }

  /** The pool of database work: its outages answered as {@link DatabaseHealth#failed} says. */
  public static Blocking forDatabase(Vertx vertx, Database database, int threads, int queueLimit) {
    return new Blocking(vertx, "nexus-db", threads, queueLimit, database.health()::failed);
  }

  public <T> Future<T> run(Callable<T> work) {
    if (pending.incrementAndGet() > threads + queueLimit) {
      pending.decrementAndGet();
      return Future.failedFuture(busy.get());
    }
    return executor.executeBlocking(
        () -> {
          try {
            return work.call();
          } catch (Exception e) {
            Throwable answer = failures.apply(e);
            if (answer instanceof Exception translated) {
              throw translated;
            }
            throw e;
          } finally {
            pending.decrementAndGet();
          }
        },
        false);
  }

  /** Tasks running or waiting now. */
  public int pending() {
    return pending.get();
  }

  @Override
  public void close() {
    executor.close();
  }
}
