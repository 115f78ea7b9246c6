package chat.nexus.ops;

import chat.nexus.admin.AdminOptions;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
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

  static final String CHALLENGE = "Basic realm=\"Nexus Chat admin\", charset=\"UTF-8\"";

  private final AdminOptions admin;
  private final NodeDrain drain;
  private final Function<RoutingContext, String> clientAddress;
  private final AdminAttempts attempts = new AdminAttempts(System::currentTimeMillis);

  /**
   * @param clientAddress the client address failed attempts are counted under
   */
  public DrainRoute(
      AdminOptions admin, NodeDrain drain, Function<RoutingContext, String> clientAddress) {
    this.admin = admin;
    this.drain = drain;
    this.clientAddress = clientAddress;
  }

  public void mount(Router router) {
    router.post(PATH).handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    if (!admin.enabled()) {
      ctx.fail(ApiException.notFound("no route for POST " + PATH));
      return;
    }
    String address = clientAddress.apply(ctx);
    long retryAfter = attempts.retryAfterSeconds(address);
    if (retryAfter > 0) {
      ctx.fail(
          new ApiException(
              ErrorCode.RATE_LIMITED,
              "too many failed admin sign-ins from this address; retry later",
              retryAfter));
      return;
    }
    if (!admin.acceptsBasic(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      attempts.failed(address);
      LOG.warn("refused admin credentials for {} from {}", PATH, address);
      ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
      ctx.fail(ApiException.unauthorized("admin credentials required (HTTP Basic)"));
      return;
    }
    LOG.info("drain requested by {}", address);
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
