package chat.nexus.loadtest;

/**
 * A share of the clients: this process ({@link LocalWorker}) or a child JVM ({@link ChildWorker}).
 */
interface Worker {
  /** Latest cumulative stats (never null). */
  Stats stats();

  /** Start sending now; measure messages sent in [startMicros, endMicros). */
  void go(long startMicros, long endMicros);

  /**
   * Open connections until the run (all workers) has {@code clients}; this worker opens its share.
   */
  void grow(int clients);

  /** Stop and return the final stats. */
  Stats finish();

  /** OS process id, for CPU and RSS sampling. */
  long pid();

  /** True while the worker can still report. */
  boolean alive();
}
