package chat.nexus.roomcompanions;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The REST twins of {@code room:companion:add} and {@code room:companion:remove}: {@code POST
 * /api/rooms/{id}/companions {characterId, sponsored?}} and {@code DELETE
 * /api/rooms/{id}/companions/{characterId}}, same answers and refusals. The list is in {@code GET
 * /api/rooms/{id}}.
 */
public final class RoomCompanionRoutes {

  private final RoomCompanions companions;

  public RoomCompanionRoutes(RoomCompanions companions) {
    this.companions = companions;
  }

  public void mount(
      Router router, Handler<RoutingContext> require, Function<RoutingContext, Identity> identity) {
    router
        .post("/api/rooms/:id/companions")
        .handler(require)
        .handler(
            ctx ->
                respond(
                    ctx,
                    companions.add(identity.apply(ctx).userId(), ctx.pathParam("id"), body(ctx))));
    router
        .delete("/api/rooms/:id/companions/:characterId")
        .handler(require)
        .handler(
            ctx ->
                respond(
                    ctx,
                    companions.remove(
                        identity.apply(ctx).userId(),
                        ctx.pathParam("id"),
                        new JsonObject().put("characterId", ctx.pathParam("characterId")))));
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      JsonObject json = ctx.body().asJsonObject();
      if (json == null) {
        throw ApiException.badRequest("the body must be a JSON object");
      }
      return json;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(done.result().put("ok", true).encode());
          }
        });
  }
}
