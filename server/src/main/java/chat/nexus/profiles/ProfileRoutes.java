package chat.nexus.profiles;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.Function;

/**
 * The profile routes, mounted by HttpApi under its body handler and failure handler:
 *
 * <ul>
 *   <li>{@code GET /api/users/{id}} (signed in): {@code {ok, user: {id, name, handle, kind,
 *       avatarUrl}}}, kind "guest" or "account", avatarUrl null without an avatar.
 *   <li>{@code GET /api/users?ids=a,b} or {@code ?handles=a,b} (signed in): {@code {ok, users}}, at
 *       most {@link Profiles#MAX_BATCH} asked, unknown ones left out.
 *   <li>{@code GET /api/me}, {@code PATCH /api/me {name?, handle?}}: the caller's profile; CONFLICT
 *       (409) when the handle is taken.
 *   <li>{@code PUT /api/me/avatar} (the picture as the body, up to {@link
 *       Profiles#AVATAR_MAX_BYTES}), {@code DELETE /api/me/avatar}: {@code {ok, user}}.
 *   <li>{@code GET /api/users/{id}/avatar}: the picture, with an ETag (304 to If-None-Match);
 *       cacheable for a year when asked with its version ({@code ?v=}, as avatarUrl does).
 * </ul>
 */
public final class ProfileRoutes {

  private static final String AVATAR_PATH = "/api/me/avatar";
  private static final String VERSIONED_CACHE = "public, max-age=31536000, immutable";
  private static final String UNVERSIONED_CACHE = "public, max-age=60, must-revalidate";

  private final Profiles profiles;
  private final Handler<RoutingContext> avatarBody =
      BodyHandler.create(false).setBodyLimit(Profiles.AVATAR_MAX_BYTES);

  public ProfileRoutes(Profiles profiles) {
    this.profiles = profiles;
  }

  /**
   * Whether a request is an avatar upload, a body allowed over JSON_LIMIT: HttpApi leaves it unread
   * (the request paused) until the caller is authenticated and counted.
   */
  public static boolean isUpload(HttpServerRequest request) {
    return request.method() == HttpMethod.PUT && AVATAR_PATH.equals(request.path());
  }

  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    router.get("/api/users").handler(authenticated).handler(this::batch);
    router.get("/api/users/:id").handler(authenticated).handler(this::one);
    router.get("/api/users/:id/avatar").handler(this::avatar);
    router
        .get("/api/me")
        .handler(authenticated)
        .handler(ctx -> answer(ctx, profiles.profile(identity.apply(ctx).userId())));
    router
        .patch("/api/me")
        .handler(authenticated)
        .handler(ctx -> answer(ctx, profiles.update(identity.apply(ctx).userId(), jsonBody(ctx))));
    router
        .put(AVATAR_PATH)
        .handler(authenticated)
        .handler(ctx -> avatarBody.handle(ctx))
        .handler(
            ctx -> {
              Buffer body = ctx.body().buffer();
              if (body == null || body.length() == 0) {
                throw ApiException.badRequest("send the picture as the request body");
              }
              answer(ctx, profiles.setAvatar(identity.apply(ctx).userId(), body.getBytes()));
            });
    router
        .delete(AVATAR_PATH)
        .handler(authenticated)
        .handler(ctx -> answer(ctx, profiles.deleteAvatar(identity.apply(ctx).userId())));
  }

  private void one(RoutingContext ctx) {
    answer(ctx, profiles.profile(ctx.pathParam("id")));
  }

  private void batch(RoutingContext ctx) {
    String ids = ctx.queryParams().get("ids");
    String handles = ctx.queryParams().get("handles");
    if ((ids == null) == (handles == null)) {
      throw ApiException.badRequest("ask by ids=a,b or by handles=a,b (one of them)");
    }
    Future<List<Profile>> found =
        ids != null
            ? profiles.byIds(Profiles.list(ids, "ids"))
            : profiles.byHandles(Profiles.list(handles, "handles"));
    found.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
            return;
          }
          JsonArray users = new JsonArray();
          done.result().forEach(p -> users.add(p.toJson()));
          json(ctx, new JsonObject().put("ok", true).put("users", users));
        });
  }

  private void avatar(RoutingContext ctx) {
    boolean versioned = ctx.queryParams().contains("v");
    profiles
        .avatar(ctx.pathParam("id"))
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
                return;
              }
              if (ctx.response().ended() || ctx.response().closed()) {
                return;
              }
              ProfileStore.StoredAvatar avatar = done.result();
              String etag = "\"" + avatar.etag() + "\"";
              ctx.response()
                  .putHeader(HttpHeaders.ETAG, etag)
                  .putHeader(
                      HttpHeaders.CACHE_CONTROL, versioned ? VERSIONED_CACHE : UNVERSIONED_CACHE)
                  .putHeader("X-Content-Type-Options", "nosniff");
              if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                ctx.response().setStatusCode(304).end();
                return;
              }
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, avatar.contentType())
                  .end(Buffer.buffer(avatar.data()));
            });
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw ApiException.badRequest("send JSON with Content-Type: application/json");
    }
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ApiException.badRequest("the body must be a JSON object");
      }
      return body;
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
  }

  private static void answer(RoutingContext ctx, Future<Profile> profile) {
    profile.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else {
            json(ctx, new JsonObject().put("ok", true).put("user", done.result().toJson()));
          }
        });
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
  }
}
