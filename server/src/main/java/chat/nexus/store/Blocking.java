package chat.nexus.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (JDBC, password hashing) on a named worker pool, never on an event loop. The result
 * comes back on the caller's Vert.x context.
 */
public final class Blocking implements AutoCloseable {

  private final WorkerExecutor executor;

  public Blocking(Vertx vertx, String name, int threads) {
    this.executor = vertx.createSharedWorkerExecutor(name, threads);
  }

  public <T> Future<T> run(Callable<T> work) {
    return executor.executeBlocking(work, false);
  }

  @Override
  public void close() {
    executor.close();
  }
}
