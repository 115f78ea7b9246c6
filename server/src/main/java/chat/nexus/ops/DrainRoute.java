package chat.nexus.ops;

import chat.nexus.errors.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/admin/drain}: starts this node's drain ({@link NodeDrain}), for an operator or
 * the preStop hook ({@link Drain}). HTTP Basic with ADMIN_USERNAME and ADMIN_PASSWORD; 404 while
 * the admin surface is off. Answers 202 at once, or with {@code ?wait=true} 200 once the node has
 * closed its sockets.
 */
public final class DrainRoute {

  private static final Logger LOG = LoggerFactory.getLogger(DrainRoute.class);

  public static final String PATH = "/api/admin/drain";

  private final AdminSignIn signIn;
  private final NodeDrain drain;

  public DrainRoute(AdminSignIn signIn, NodeDrain drain) {
    this.signIn = signIn;
    this.drain = drain;
  }

  public void mount(Router router) {
    router.post(PATH).handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    if (!signIn.enabled()) {
      ctx.fail(ApiException.notFound("no route for POST " + PATH));
      return;
    }
    if (!signIn.admits(ctx)) {
      return;
    }
    var socketsClosed = drain.start("POST " + PATH);
    if (!"true".equals(ctx.queryParams().get("wait"))) {
      answer(ctx, 202, "draining");
      return;
    }
    Context context = Vertx.currentContext();
    socketsClosed.whenComplete(
        (done, failure) ->
            context.runOnContext(
                v -> {
                  if (failure != null) {
                    ctx.fail(failure);
                  } else {
                    answer(ctx, 200, "drained");
                  }
                }));
  }

  private void answer(RoutingContext ctx, int status, String state) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(
            new JsonObject()
                .put("ok", true)
                .put("status", state)
                .put("graceMs", drain.options().graceMs())
                .put("closeMs", drain.options().closeMs())
                .encode());
  }
}
