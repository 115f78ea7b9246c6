package chat.nexus.usage;

import chat.nexus.llm.LlmOptions;
import chat.nexus.store.Blocking;
import chat.nexus.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * What counts the LLM against users: {@link Usage} (record what a call spent), {@link Quotas}
 * (check before a call) and their route, {@code GET /api/me/usage}.
 */
public record LlmUsage(Usage usage, Quotas quotas, UsageRoutes routes) implements AutoCloseable {

  public static LlmUsage start(
      Vertx vertx,
      Database database,
      Blocking blocking,
      LlmOptions options,
      MeterRegistry registry) {
    UsageStore store = new UsageStore(database);
    Usage usage = new Usage(vertx, store, blocking, registry);
    Quotas quotas =
        new Quotas(
            usage,
            store,
            blocking,
            options.quotaDailyTokens(),
            options.quotaMonthlyTokens(),
            registry);
    return new LlmUsage(usage, quotas, new UsageRoutes(usage, quotas, store, blocking));
  }

  /** Writes what is not written yet (blocking: at shutdown, before the database closes). */
  @Override
  public void close() {
    usage.close();
  }
}
