package chat.nexus.usage;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.store.Blocking;
import chat.nexus.usage.UsageStore.Counts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The daily and monthly token quotas per user (LLM_QUOTA_DAILY_TOKENS, LLM_QUOTA_MONTHLY_TOKENS; 0
 * = unlimited), days and months in UTC. {@link #check} is asked before an LLM call starts: it reads
 * the user's totals on a database worker (plus this node's unwritten counts; another node's last
 * second may be missing) and refuses with QUOTA_EXCEEDED, HTTP 429, {@code retryAfter} and {@code
 * resetAt} (ISO-8601) when a quota is used up. A call that starts under the quota may end over it:
 * the next one is refused.
 */
public final class Quotas {

  private final Usage usage;
  private final UsageStore store;
  private final Blocking blocking;
  private final long daily;
  private final long monthly;
  private final Counter refusedDaily;
  private final Counter refusedMonthly;

  public Quotas(
      Usage usage,
      UsageStore store,
      Blocking blocking,
      long dailyTokens,
      long monthlyTokens,
      MeterRegistry registry) {
    this.usage = usage;
    this.store = store;
    this.blocking = blocking;
    this.daily = dailyTokens;
    this.monthly = monthlyTokens;
    this.refusedDaily = refusals(registry, "day");
    this.refusedMonthly = refusals(registry, "month");
  }

  private static Counter refusals(MeterRegistry registry, String period) {
    return Counter.builder("nexus.llm.quota.refusals")
        .description("LLM calls refused with QUOTA_EXCEEDED")
        .tag("period", period)
        .register(registry);
  }

  /** Tokens per UTC day, 0 = unlimited. */
  public long daily() {
    return daily;
  }

  /** Tokens per UTC month, 0 = unlimited. */
  public long monthly() {
    return monthly;
  }

  /** Succeeds when {@code userId} may start an LLM call; else fails with QUOTA_EXCEEDED. */
  public Future<Void> check(String userId) {
    if (daily <= 0 && monthly <= 0) {
      return Future.succeededFuture();
    }
    LocalDate today = usage.today();
    return blocking
        .run(() -> store.totals(userId, today))
        .compose(
            stored -> {
              Counts used = stored.plus(usage.unwritten(userId, today));
              boolean monthOver = monthly > 0 && used.month() >= monthly;
              boolean dayOver = daily > 0 && used.today() >= daily;
              if (monthOver) {
                refusedMonthly.increment();
                return Future.failedFuture(exceeded("this month's", monthly, monthReset(today)));
              }
              if (dayOver) {
                refusedDaily.increment();
                return Future.failedFuture(exceeded("today's", daily, dayReset(today)));
              }
              return Future.succeededFuture();
            });
  }

  /** When the daily quota starts afresh: the next midnight, UTC. */
  public static Instant dayReset(LocalDate today) {
    return today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** When the monthly quota starts afresh: the first of next month, UTC. */
  public static Instant monthReset(LocalDate today) {
    return today.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private ApiException exceeded(String which, long limit, Instant reset) {
    long seconds = Math.max(1, Duration.between(usage.clock().instant(), reset).toSeconds());
    return new ApiException(
        ErrorCode.QUOTA_EXCEEDED,
        String.format(
            Locale.ROOT,
            "You have used %s companion allowance (%,d tokens). It renews at %s UTC.",
            which,
            limit,
            reset.toString().replace('T', ' ').replace(":00Z", "")),
        seconds,
        new JsonObject().put("resetAt", reset.toString()));
  }
}
