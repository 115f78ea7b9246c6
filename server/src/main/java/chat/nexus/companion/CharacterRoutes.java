package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;

/**
 * The character routes of the contract, mounted by HttpApi under its body handler (JSON_LIMIT:
 * every body but a PNG upload, see {@link #isUpload}) and its failure handler:
 *
 * <ul>
 *   <li>{@code POST /api/characters} (signed in): a Character Card V2/V3 as {@code
 *       application/json}, or a PNG carrying one as {@code image/png} (up to {@link
 *       #UPLOAD_LIMIT_BYTES}, read only after the caller is authenticated and counted by the rate
 *       limit, and a place among {@link Characters#MAX_IMPORTS} is free); 201 {@code {ok,
 *       character}}.
 *   <li>{@code GET /api/characters?limit&before}: a page of the cached list, newest first, {@code
 *       {ok, characters: [{id, name, description (short), tags, creator, hasAvatar, views,
 *       createdAt}], nextBefore?}}: {@code limit} from 1 to {@link Characters#MAX_PAGE_SIZE}
 *       (default {@link Characters#DEFAULT_PAGE_SIZE}); {@code nextBefore}, when there are more, is
 *       the {@code before} of the next page.
 *   <li>{@code GET /api/characters/{id}} (signed in): the full card; records the caller's view
 *       (once per user).
 *   <li>{@code GET /api/characters/{id}/avatar}: the character's picture as a thumbnail (PNG, at
 *       most {@link Avatar#THUMBNAIL_SIDE} pixels on its long side).
 * </ul>
 */
public final class CharacterRoutes {

  /**
   * Largest PNG upload (a card with its art: often 1-3 MB). Every other body is held to JSON_LIMIT.
   */
  public static final int UPLOAD_LIMIT_BYTES = 8 * 1024 * 1024;

  private static final String PATH = "/api/characters";

  /** Browsers may keep an avatar a while: a character's picture never changes. */
  private static final String AVATAR_CACHE_CONTROL = "public, max-age=300";

  private final Characters characters;
  private final Handler<RoutingContext> uploadBody =
      BodyHandler.create(false).setBodyLimit(UPLOAD_LIMIT_BYTES);

  public CharacterRoutes(Characters characters) {
    this.characters = characters;
  }

  /**
   * Whether a request is a PNG upload, the one body allowed over JSON_LIMIT: HttpApi leaves its
   * body unread (the request paused) until the caller is authenticated and counted.
   */
  public static boolean isUpload(HttpServerRequest request) {
    String path = request.path();
    return request.method() == HttpMethod.POST
        && (PATH.equals(path) || (PATH + "/").equals(path))
        && CardUpload.isPng(request.getHeader(HttpHeaders.CONTENT_TYPE));
  }

  /**
   * Adds the routes. {@code authenticated} is a handler that fails with UNAUTHORIZED or puts the
   * caller's identity where {@code identity} finds it.
   */
  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    // A lambda, not the BodyHandler itself: Vert.x Web wants body handlers first in a route, and
    // this one must come after authentication.
    router
        .post(PATH)
        .handler(authenticated)
        .handler(this::admit)
        .handler(ctx -> uploadBody.handle(ctx))
        .handler(ctx -> create(ctx, identity.apply(ctx)));
    router.get(PATH).handler(this::list);
    router.get(PATH + "/:id").handler(authenticated).handler(ctx -> view(ctx, identity.apply(ctx)));
    router.get(PATH + "/:id/avatar").handler(this::avatar);
  }

  private void create(RoutingContext ctx, Identity me) {
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    write(ctx, 201, "application/json", characters.create(body, contentType, me.userId()));
  }

  private void view(RoutingContext ctx, Identity me) {
    write(ctx, 200, "application/json", characters.view(ctx.pathParam("id"), me.userId()));
  }

  private void avatar(RoutingContext ctx) {
    Future<Buffer> png =
        characters
            .avatar(ctx.pathParam("id"))
            .onSuccess(
                found -> ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, AVATAR_CACHE_CONTROL));
    write(ctx, 200, "image/png", png);
  }

  /**
   * One of the node's import places for the rest of this request, or UNAVAILABLE before any body is
   * read.
   */
  private void admit(RoutingContext ctx) {
    if (!characters.tryImport()) {
      ctx.fail(Characters.importsBusy());
      return;
    }
    ctx.addEndHandler(done -> characters.importDone());
    ctx.next();
  }

  private void list(RoutingContext ctx) {
    String before = ctx.queryParams().get("before");
    if (before != null && (before.isEmpty() || before.length() > Characters.MAX_ID_CHARS)) {
      throw ApiException.badRequest(
          "before must be a character id (1-" + Characters.MAX_ID_CHARS + " characters)");
    }
    write(
        ctx,
        200,
        "application/json",
        characters.page(before, pageSize(ctx.queryParams().get("limit"))));
  }

  static int pageSize(String value) {
    if (value == null) {
      return Characters.DEFAULT_PAGE_SIZE;
    }
    try {
      int limit = Integer.parseInt(value.trim());
      if (limit >= 1 && limit <= Characters.MAX_PAGE_SIZE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw ApiException.badRequest(
        "limit must be a whole number from 1 to " + Characters.MAX_PAGE_SIZE);
  }

  /** Writes bytes made elsewhere: nothing is encoded on the event loop. */
  private static void write(
      RoutingContext ctx, int status, String contentType, Future<Buffer> result) {
    result.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .end(done.result());
          }
        });
  }
}
