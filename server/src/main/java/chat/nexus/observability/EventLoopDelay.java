package chat.nexus.observability;

import chat.nexus.runtime.VertxInternals;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * nexus_event_loop_delay_seconds: how late a timer runs on each event loop. A loop that is busy (or
 * blocked) runs everything late, sockets' reads and acks included, so this is the first sign of a
 * node that needs more room. Each loop runs a probe every {@link #PERIOD_MS}; the time it starts
 * after its due time is recorded in one histogram for all loops.
 */
final class EventLoopDelay {

  static final long PERIOD_MS = 100;

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final Vertx vertx;
  private final Timer delay;

  private EventLoopDelay(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.delay =
        Timer.builder("nexus.event.loop.delay")
            .description("how late a timer runs on an event loop (all loops, every 100 ms)")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  /** Starts a probe on every event loop; the probes end with Vert.x. */
  static void watch(Vertx vertx, MeterRegistry registry) {
    EventLoopDelay probe = new EventLoopDelay(vertx, registry);
    for (Context context : VertxInternals.eventLoopContexts(vertx)) {
      context.runOnContext(v -> probe.next());
    }
  }

  /** Runs on the probe's event loop, so the timer it sets fires on that loop too. */
  private void next() {
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    vertx.setTimer(
        PERIOD_MS,
        id -> {
          delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
          next();
        });
  }
}
