package chat.nexus.bench;

import chat.nexus.ratelimit.Limit;
import chat.nexus.ratelimit.LocalRateLimiter;
import chat.nexus.ratelimit.RateLimiter;
import chat.nexus.ratelimit.RedisRateLimiter;
import chat.nexus.redis.SharedRedis;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The latency a rate-limit check adds to a request: {@code checks} checks from one event loop, at
 * most {@code concurrency} in flight (or, with {@code rate} > 0, {@code rate} checks a second
 * whatever the answers' pace), over {@code users} subjects; each timed from the call to its answer.
 * Runs the local limiter, then the Redis one (when a URL is given), after a warm-up of each.
 */
public final class RateLimitBench {

  private RateLimitBench() {}

  public static void run(String redisUrl, int checks, int concurrency, int users, long rate)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Limit limit = new Limit("bench", Integer.MAX_VALUE, 60_000);
      report(
          "local",
          measure(
              vertx,
              new LocalRateLimiter(Duration.ofMinutes(1)),
              limit,
              checks,
              concurrency,
              users,
              rate),
          label(concurrency, rate));
      if (redisUrl != null) {
        SharedRedis redis = SharedRedis.create(vertx, redisUrl, "bench-" + UUID.randomUUID() + ":");
        RateLimiter limiter = new RedisRateLimiter(redis);
        report(
            "redis",
            measure(vertx, limiter, limit, checks, concurrency, users, rate),
            label(concurrency, rate));
        redis.close().await(5, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static long[] measure(
      Vertx vertx,
      RateLimiter limiter,
      Limit limit,
      int checks,
      int concurrency,
      int users,
      long rate)
      throws Exception {
    run(vertx, limiter, limit, Math.min(checks, 20_000), concurrency, users, 0); // warm-up
    return run(vertx, limiter, limit, checks, concurrency, users, rate);
  }

  private static long[] run(
      Vertx vertx,
      RateLimiter limiter,
      Limit limit,
      int checks,
      int concurrency,
      int users,
      long rate)
      throws Exception {
    Run run = new Run(vertx, limiter, limit, checks, users, rate);
    long begin = System.nanoTime();
    if (rate > 0) {
      run.context.runOnContext(v -> run.openLoop());
    } else {
      run.context.runOnContext(v -> run.closedLoop(concurrency));
    }
    run.done.future().await(5, TimeUnit.MINUTES);
    long elapsed = System.nanoTime() - begin;
    System.out.printf(
        Locale.ROOT,
        "  %,d checks in %.2f s (%,.0f/s)%n",
        checks,
        elapsed / 1e9,
        checks / (elapsed / 1e9));
    return run.nanos;
  }

  /** One measured series of checks; its counters are touched on {@link #context} only. */
  private static final class Run {
    final Vertx vertx;
    final Context context;
    final RateLimiter limiter;
    final Limit limit;
    final int checks;
    final int users;
    final long rate;
    final long[] nanos;
    final Promise<Void> done = Promise.promise();
    int started;
    int finished;

    Run(Vertx vertx, RateLimiter limiter, Limit limit, int checks, int users, long rate) {
      this.vertx = vertx;
      this.context = vertx.getOrCreateContext();
      this.limiter = limiter;
      this.limit = limit;
      this.checks = checks;
      this.users = users;
      this.rate = rate;
      this.nanos = new long[checks];
    }

    /** {@code concurrency} checks in flight: each answer starts the next. */
    void closedLoop(int concurrency) {
      for (int i = 0; i < Math.min(concurrency, checks); i++) {
        next();
      }
    }

    /**
     * {@code rate} checks a second in 1 ms ticks, whatever the answers' pace (as requests arrive).
     */
    void openLoop() {
      long begin = System.nanoTime();
      vertx.setPeriodic(
          1,
          id -> {
            long due = Math.min(checks, (System.nanoTime() - begin) * rate / 1_000_000_000L);
            while (started < due) {
              next();
            }
            if (started >= checks) {
              vertx.cancelTimer(id);
            }
          });
    }

    private void next() {
      if (started >= checks) {
        return;
      }
      int i = started++;
      long start = System.nanoTime();
      limiter.acquire(limit, "user:" + (i % users)).onComplete(r -> answered(i, start));
    }

    private void answered(int i, long start) {
      nanos[i] = System.nanoTime() - start;
      if (++finished == checks) {
        done.complete();
      } else if (rate == 0) {
        context.runOnContext(v -> next()); // not recursively: local answers come at once
      }
    }
  }

  private static String label(int concurrency, long rate) {
    return rate > 0 ? rate + " checks/s" : concurrency + " in flight";
  }

  private static void report(String name, long[] nanos, String load) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%s limiter, %s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
        name,
        load,
        at(sorted, 0.50),
        at(sorted, 0.99),
        at(sorted, 0.999),
        sorted[sorted.length - 1] / 1e6);
  }

  private static double at(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }
}
