package chat.nexus.usage;

import chat.nexus.auth.Identity;
import chat.nexus.store.Blocking;
import chat.nexus.usage.UsageStore.CharacterCounts;
import chat.nexus.usage.UsageStore.Counts;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /api/me/usage} (signed in): the caller's LLM tokens today and this month (UTC), in and
 * out, in all and per character (the most used first, at most {@link
 * UsageStore#MAX_CHARACTERS_LISTED}; {@code characterId} "" for calls about none), and the quotas
 * with what is used of them and when they renew. Only the caller's own usage is ever read.
 */
public final class UsageRoutes {

  public static final String PATH = "/api/me/usage";

  private final Usage usage;
  private final Quotas quotas;
  private final UsageStore store;
  private final Blocking blocking;

  public UsageRoutes(Usage usage, Quotas quotas, UsageStore store, Blocking blocking) {
    this.usage = usage;
    this.quotas = quotas;
    this.store = store;
    this.blocking = blocking;
  }

  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    router
        .get(PATH)
        .handler(authenticated)
        .handler(
            ctx ->
                report(identity.apply(ctx).userId())
                    .onComplete(
                        done -> {
                          if (done.failed()) {
                            ctx.fail(done.cause());
                          } else if (!ctx.response().ended() && !ctx.response().closed()) {
                            ctx.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                                .end(done.result().encode());
                          }
                        }));
  }

  /** {@code {ok, usage: {today, month, characters, quota}}}. */
  Future<JsonObject> report(String userId) {
    LocalDate today = usage.today();
    return blocking
        .run(() -> new Stored(store.totals(userId, today), store.byCharacter(userId, today)))
        .map(
            stored ->
                body(
                    stored.totals().plus(usage.unwritten(userId, today)),
                    merged(stored.rows(), usage.unwrittenByCharacter(userId, today)),
                    today));
  }

  private record Stored(Counts totals, List<CharacterCounts> rows) {}

  private static List<CharacterCounts> merged(
      List<CharacterCounts> stored, Map<String, Counts> unwritten) {
    Map<String, Counts> all = new HashMap<>(unwritten);
    for (CharacterCounts row : stored) {
      all.merge(row.characterId(), row.counts(), Counts::plus);
    }
    return all.entrySet().stream()
        .map(e -> new CharacterCounts(e.getKey(), e.getValue()))
        .sorted(
            (a, b) ->
                a.counts().month() != b.counts().month()
                    ? Long.compare(b.counts().month(), a.counts().month())
                    : a.characterId().compareTo(b.characterId()))
        .limit(UsageStore.MAX_CHARACTERS_LISTED)
        .toList();
  }

  private JsonObject body(Counts total, List<CharacterCounts> rows, LocalDate today) {
    JsonArray characters = new JsonArray();
    for (CharacterCounts row : rows) {
      Counts c = row.counts();
      characters.add(
          new JsonObject()
              .put("characterId", row.characterId())
              .put("today", inOut(c.todayIn(), c.todayOut()))
              .put("month", inOut(c.monthIn(), c.monthOut())));
    }
    JsonObject quota =
        new JsonObject()
            .put("daily", quota(quotas.daily(), total.today(), Quotas.dayReset(today).toString()))
            .put(
                "monthly",
                quota(quotas.monthly(), total.month(), Quotas.monthReset(today).toString()));
    JsonObject result =
        new JsonObject()
            .put("today", inOut(total.todayIn(), total.todayOut()).put("date", today.toString()))
            .put(
                "month",
                inOut(total.monthIn(), total.monthOut())
                    .put("month", today.toString().substring(0, 7)))
            .put("characters", characters)
            .put("quota", quota);
    return new JsonObject().put("ok", true).put("usage", result);
  }

  private static JsonObject inOut(long in, long out) {
    return new JsonObject().put("in", in).put("out", out).put("total", in + out);
  }

  /** {@code limit} null when unlimited. */
  private static JsonObject quota(long limit, long used, String resetAt) {
    return new JsonObject()
        .put("limit", limit > 0 ? limit : null)
        .put("used", used)
        .put("resetAt", resetAt);
  }
}
