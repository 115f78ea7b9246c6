package chat.nexus.conversations;

import chat.nexus.auth.Identity;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** GET /api/me/conversations, mounted by HttpApi behind its authentication and rate limit. */
public final class ConversationRoutes {

  private final Conversations conversations;

  public ConversationRoutes(Conversations conversations) {
    this.conversations = conversations;
  }

  /**
   * Adds the route. {@code authenticated} fails with UNAUTHORIZED or puts the caller's identity
   * where {@code identity} finds it.
   */
  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    router
        .get("/api/me/conversations")
        .handler(authenticated)
        .handler(
            ctx ->
                conversations
                    .list(identity.apply(ctx).userId())
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
}
