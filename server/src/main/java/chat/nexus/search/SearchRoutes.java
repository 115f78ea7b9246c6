package chat.nexus.search;

import chat.nexus.auth.Identity;
import chat.nexus.ratelimit.Limit;
import chat.nexus.ratelimit.RateLimits;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * {@code GET /api/search?q=&roomId=&before=&limit=}: see README, Search. Besides the API budget
 * every /api call counts against, searches have a budget of their own per user ({@link #LIMIT}),
 * since each one reads many rows; it applies when rate limits are on (RATE_LIMIT_ENABLED).
 */
public final class SearchRoutes {

  public static final String PATH = "/api/search";

  /** Searches per user per minute: plenty for a person typing, few for a script. */
  public static final Limit LIMIT = new Limit("search", 30, 60_000);

  private final MessageSearch search;
  private final RateLimits limits;

  public SearchRoutes(MessageSearch search, RateLimits limits) {
    this.search = search;
    this.limits = limits;
  }

  /**
   * Mounts the route: {@code require} fails a request without a signed-in caller, {@code identity}
   * then names the caller.
   */
  public void mount(
      Router router, Handler<RoutingContext> require, Function<RoutingContext, Identity> identity) {
    router
        .get(PATH)
        .handler(require)
        .handler(limits.handler(LIMIT, ctx -> "user:" + identity.apply(ctx).userId()))
        .handler(
            ctx -> {
              var params = ctx.queryParams();
              SearchRequest request =
                  SearchRequest.of(
                      params.get("q"),
                      params.get("roomId"),
                      params.get("before"),
                      params.get("limit"));
              search
                  .search(identity.apply(ctx).userId(), request)
                  .onComplete(
                      done -> {
                        if (ctx.response().ended() || ctx.response().closed()) {
                          return;
                        }
                        if (done.failed()) {
                          ctx.fail(done.cause());
                          return;
                        }
                        ctx.response()
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                            .end(done.result().put("ok", true).encode());
                      });
            });
  }
}
