package chat.nexus.runtime;

import com.github.benmanes.caffeine.cache.Caffeine;

/** Caffeine builders for the caches that events read and write many times a second. */
public final class Caches {

  private Caches() {}

  /**
   * A builder whose upkeep (eviction, expiry) runs on the thread that used the cache, in small
   * amortised steps, instead of being handed to the common ForkJoinPool: for a cache written on
   * every event, waking a pool thread per burst of writes costs more than the upkeep itself.
   */
  public static Caffeine<Object, Object> inline() {
    return Caffeine.newBuilder().executor(Runnable::run);
  }
}
