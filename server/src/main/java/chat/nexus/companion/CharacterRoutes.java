package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import chat.nexus.ops.AdminSignIn;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The character routes of the contract (see README, "Characters"), mounted by HttpApi under its
 * body handler (JSON_LIMIT: every body but a card file, a card replaced with PUT and a picture, see
 * {@link #isUpload}, which are read only after the caller is authenticated and counted by the rate
 * limit, and a place among {@link ImportPlaces#MAX_IMPORTS} is free) and its failure handler. Who
 * may see and change a character is decided in {@link Characters} and {@link CharacterEdits}; the
 * routes that change one accept the admin (HTTP Basic with ADMIN_USERNAME and ADMIN_PASSWORD)
 * instead of a signed-in user.
 */
public final class CharacterRoutes {

  /**
   * Largest card file (a PNG or CHARX with its art: often 1-3 MB) or picture. Every other body is
   * held to JSON_LIMIT, but a card replaced with PUT, held to {@link CardLimits#MAX_CARD_BYTES}.
   */
  public static final int UPLOAD_LIMIT_BYTES = 8 * 1024 * 1024;

  private static final String PATH = "/api/characters";
  private static final Pattern ONE = Pattern.compile("/api/characters/[^/]+");
  private static final Pattern PICTURE = Pattern.compile("/api/characters/[^/]+/avatar");
  private static final Logger LOG = LoggerFactory.getLogger(CharacterRoutes.class);

  /** Where {@link #changer} marks a request made by the admin. */
  private static final String ADMIN = "characterAdmin";

  /** Browsers may keep an avatar a while: a changed picture shows within this time. */
  private static final String AVATAR_CACHE_CONTROL = "private, max-age=60";

  private final Characters characters;
  private final CharacterEdits edits;
  private final AdminSignIn admin;
  private final Handler<RoutingContext> uploadBody =
      BodyHandler.create(false).setBodyLimit(UPLOAD_LIMIT_BYTES);
  private final Handler<RoutingContext> cardBody =
      BodyHandler.create(false).setBodyLimit(CardLimits.MAX_CARD_BYTES);

  public CharacterRoutes(Characters characters, AdminSignIn admin) {
    this.characters = characters;
    this.edits = new CharacterEdits(characters);
    this.admin = admin;
  }

  /**
   * Whether a request carries a body allowed over JSON_LIMIT: a card file, a card replaced with
   * PUT, or a picture. HttpApi leaves its body unread (the request paused) until the caller is
   * authenticated and counted.
   */
  public static boolean isUpload(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.PUT) {
      return ONE.matcher(path).matches() || PICTURE.matcher(path).matches();
    }
    return request.method() == HttpMethod.POST
        && (PATH.equals(path) || (PATH + "/").equals(path))
        && CardUpload.isFile(request.getHeader(HttpHeaders.CONTENT_TYPE));
  }

  /**
   * Adds the routes. {@code authenticated} is a handler that fails with UNAUTHORIZED or puts the
   * caller's identity where {@code identity} finds it.
   */
  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    // Lambdas, not the BodyHandlers themselves: Vert.x Web wants body handlers first in a route,
    // and these must come after authentication.
    router
        .post(PATH)
        .handler(authenticated)
        .handler(this::admit)
        .handler(ctx -> createBody(ctx, identity.apply(ctx)))
        .handler(ctx -> create(ctx, identity.apply(ctx)));
    router.get(PATH).handler(this::gallery);
    router
        .get(PATH + "/mine")
        .handler(authenticated)
        .handler(ctx -> mine(ctx, identity.apply(ctx)));
    router.get(PATH + "/:id").handler(authenticated).handler(ctx -> view(ctx, identity.apply(ctx)));
    Handler<RoutingContext> changer = ctx -> changer(ctx, authenticated);
    router
        .put(PATH + "/:id")
        .handler(changer)
        .handler(this::admit)
        .handler(ctx -> cardBody.handle(ctx))
        .handler(
            ctx ->
                write(
                    ctx,
                    200,
                    "application/json",
                    edits.replace(id(ctx), caller(ctx, identity), bytes(ctx))));
    router
        .patch(PATH + "/:id")
        .handler(changer)
        .handler(
            ctx ->
                write(
                    ctx,
                    200,
                    "application/json",
                    edits.edit(
                        id(ctx),
                        caller(ctx, identity),
                        CharacterEdits.jsonObject(ctx.body().buffer()))));
    router
        .delete(PATH + "/:id")
        .handler(changer)
        .handler(
            ctx ->
                write(ctx, 200, "application/json", edits.delete(id(ctx), caller(ctx, identity))));
    router
        .post(PATH + "/:id/duplicate")
        .handler(authenticated)
        .handler(
            ctx ->
                write(
                    ctx,
                    201,
                    "application/json",
                    edits.duplicate(id(ctx), identity.apply(ctx).userId())));
    router
        .get(PATH + "/:id/export")
        .handler(authenticated)
        .handler(ctx -> export(ctx, identity.apply(ctx)));
    router.get(PATH + "/:id/avatar").handler(ctx -> avatar(ctx, identity.apply(ctx)));
    router
        .put(PATH + "/:id/avatar")
        .handler(changer)
        .handler(this::admit)
        .handler(ctx -> uploadBody.handle(ctx))
        .handler(
            ctx ->
                write(
                    ctx,
                    200,
                    "application/json",
                    edits.picture(id(ctx), caller(ctx, identity), bytes(ctx))));
  }

  /**
   * Lets through a signed-in user, or the admin: a request with HTTP Basic credentials is the
   * admin's or refused (failed attempts counted per address, as for the drain route).
   */
  private void changer(RoutingContext ctx, Handler<RoutingContext> authenticated) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      authenticated.handle(ctx);
      return;
    }
    if (!admin.admits(ctx)) {
      return;
    }
    ctx.put(ADMIN, true);
    ctx.next();
  }

  private static CharacterEdits.Caller caller(
      RoutingContext ctx, Function<RoutingContext, Identity> identity) {
    return Boolean.TRUE.equals(ctx.get(ADMIN))
        ? CharacterEdits.Caller.administrator()
        : CharacterEdits.Caller.user(identity.apply(ctx).userId());
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  private static byte[] bytes(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  /** Reads a form (and creates the card from it), or lets the body handler read a raw body. */
  private void createBody(RoutingContext ctx, Identity me) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      uploadBody.handle(ctx);
      return;
    }
    String visibility = ctx.queryParams().get("visibility");
    Future<Buffer> created =
        CardForm.read(ctx.request())
            .compose(
                form ->
                    characters.create(
                        form.bytes(),
                        fileType(form.contentType()),
                        me.userId(),
                        newVisibility(form.visibility() != null ? form.visibility() : visibility)));
    write(ctx, 201, "application/json", created);
  }

  private void create(RoutingContext ctx, Identity me) {
    StoredCharacter.Visibility visibility = newVisibility(ctx.queryParams().get("visibility"));
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    write(
        ctx,
        201,
        "application/json",
        characters.create(bytes(ctx), contentType, me.userId(), visibility));
  }

  /** A new card is private unless its creator says otherwise. */
  private static StoredCharacter.Visibility newVisibility(String value) {
    return CharacterEdits.visibilityOf(value, StoredCharacter.Visibility.PRIVATE);
  }

  /** A form file's type as the import reads it: JSON and PNG as said, anything else found out. */
  private static String fileType(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    return t.startsWith("application/json") || CardUpload.isPng(t) ? t : "application/octet-stream";
  }

  private void view(RoutingContext ctx, Identity me) {
    write(ctx, 200, "application/json", characters.view(id(ctx), me.userId()));
  }

  private void avatar(RoutingContext ctx, Identity me) {
    Future<Buffer> png =
        characters
            .avatar(id(ctx), me == null ? null : me.userId())
            .onSuccess(
                found -> ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, AVATAR_CACHE_CONTROL));
    write(ctx, 200, "image/png", png);
  }

  private void export(RoutingContext ctx, Identity me) {
    String format = ctx.queryParams().get("format");
    edits
        .export(id(ctx), me.userId(), format == null ? "json" : format)
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
              } else if (!ctx.response().ended() && !ctx.response().closed()) {
                CharacterEdits.Export file = done.result();
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, file.contentType())
                    .putHeader(
                        "Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"")
                    .end(file.bytes());
              }
            });
  }

  /**
   * One of the node's import places for the rest of this request, or UNAVAILABLE before any body is
   * read.
   */
  private void admit(RoutingContext ctx) {
    if (!characters.places().take()) {
      ctx.fail(ImportPlaces.busy());
      return;
    }
    ctx.addEndHandler(done -> characters.places().giveBack());
    ctx.next();
  }

  private void gallery(RoutingContext ctx) {
    String before = before(ctx);
    CharacterSearch search =
        CharacterSearch.of(ctx.queryParams().get("q"), ctx.queryParams().get("tag"));
    write(
        ctx,
        200,
        "application/json",
        characters.page(before, pageSize(ctx.queryParams().get("limit")), search));
  }

  private void mine(RoutingContext ctx, Identity me) {
    String before = before(ctx);
    write(
        ctx,
        200,
        "application/json",
        characters.owned(me.userId(), before, pageSize(ctx.queryParams().get("limit"))));
  }

  private static String before(RoutingContext ctx) {
    String before = ctx.queryParams().get("before");
    if (before != null && (before.isEmpty() || before.length() > Characters.MAX_ID_CHARS)) {
      throw ApiException.badRequest(
          "before must be a character id (1-" + Characters.MAX_ID_CHARS + " characters)");
    }
    return before;
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
