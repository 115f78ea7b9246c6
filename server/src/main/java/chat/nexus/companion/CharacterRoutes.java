package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Function;

/**
 * The character routes of the contract, mounted by HttpApi under its body handler (JSON_LIMIT applies to
 * PNG uploads too) and its failure handler:
 * <ul>
 *   <li>{@code POST /api/characters} (signed in): a Character Card V2/V3 as {@code application/json}, or a
 *       PNG carrying one as {@code image/png}; 201 {@code {ok, character}}.</li>
 *   <li>{@code GET /api/characters}: the cached list {@code {ok, characters: [{id, name, description (short),
 *       tags, creator, hasAvatar, views, createdAt}]}}.</li>
 *   <li>{@code GET /api/characters/{id}} (signed in): the full card; records a view by the caller.</li>
 *   <li>{@code GET /api/characters/{id}/avatar}: the PNG the card was imported from.</li>
 * </ul>
 */
public final class CharacterRoutes {

  private final Characters characters;

  public CharacterRoutes(Characters characters) {
    this.characters = characters;
  }

  /**
   * Adds the routes. {@code authenticated} is a handler that fails with UNAUTHORIZED or puts the caller's
   * identity where {@code identity} finds it.
   */
  public void mount(Router router, Handler<RoutingContext> authenticated, Function<RoutingContext, Identity> identity) {
    router.post("/api/characters").handler(authenticated).handler(ctx -> create(ctx, identity.apply(ctx)));
    router.get("/api/characters").handler(ctx -> respond(ctx, 200, characters.list()
        .map(list -> new JsonObject().put("ok", true).put("characters", new JsonArray(list.stream().map(CharacterSummary::toJson).toList())))));
    router.get("/api/characters/:id").handler(authenticated).handler(ctx -> respond(ctx, 200,
        characters.view(ctx.pathParam("id"), identity.apply(ctx).userId())
            .map(c -> new JsonObject().put("ok", true).put("character", c.toJson()))));
    router.get("/api/characters/:id/avatar").handler(ctx -> characters.avatar(ctx.pathParam("id")).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (!ctx.response().ended()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "image/png")
            .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
            .end(io.vertx.core.buffer.Buffer.buffer(done.result()));
      }
    }));
  }

  private void create(RoutingContext ctx, Identity caller) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    CharacterCard card;
    byte[] avatar = null;
    if (type.startsWith("image/png") || (!type.startsWith("application/json") && PngCard.looksLikePng(body))) {
      if (body.length == 0) {
        throw ApiException.badRequest("the body is empty: send a PNG carrying a character card");
      }
      card = PngCard.read(body);
      avatar = body;
    } else if (type.startsWith("application/json")) {
      card = CharacterCard.parse(body, "the card");
    } else {
      throw ApiException.badRequest("send a Character Card V2/V3 as application/json, or a PNG carrying one as image/png");
    }
    respond(ctx, 201, characters.create(card, avatar, caller.userId())
        .map(c -> new JsonObject().put("ok", true).put("character", c.toJson())));
  }

  private static void respond(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (!ctx.response().ended()) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(done.result().encode());
      }
    });
  }
}
