package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The companion routes (signed in; README "Talking to a companion"), mounted by HttpApi under its
 * body and failure handlers:
 *
 * <ul>
 *   <li>{@code GET /api/companions/{characterId}/messages?conversationId&before&limit}: {@code {ok,
 *       conversation, messages}}, oldest first (the most recent conversation, started with the
 *       card's greeting when there is none, unless {@code conversationId} says which).
 *   <li>{@code POST /api/companions/{characterId}/messages {text, conversationId?}} and {@code POST
 *       /api/companions/{characterId}/regenerate {conversationId?}}: wait for the whole reply and
 *       answer {@code {ok, message, reply}} (the user message answered and the stored reply); with
 *       {@code Accept: text/event-stream}, stream {@code event: token} ({@code {messageId,
 *       delta}}), then {@code event: done} ({@code {messageId, message}}) or {@code event: error}
 *       ({@code {messageId, error}}). Errors before the stream starts (AI_BUSY: 503 with
 *       Retry-After) are plain JSON error responses. A client that closes the connection cancels
 *       the upstream call.
 *   <li>{@code GET} and {@code POST /api/companions/{characterId}/conversations}: the list, a new
 *       one; {@code PATCH} and {@code DELETE /api/companions/conversations/{conversationId}};
 *       {@code PATCH /api/companions/conversations/{id}/messages/{messageId}} ({@code {text}}
 *       edits, {@code {swipe}} chooses an alternative).
 * </ul>
 */
public final class CompanionRoutes {

  private final CompanionChats chats;
  private final Personas personas;
  private final CompanionMemory memory;
  private final CompanionReplies replies;

  public CompanionRoutes(CompanionService service) {
    this.chats = service.chats();
    this.personas = service.personas();
    this.memory = service.memory();
    this.replies = new CompanionReplies(service);
  }

  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    String character = "/api/companions/:characterId";
    String conversation = "/api/companions/conversations/:conversationId";
    route(router.get(character + "/messages"), authenticated, identity, this::history);
    router
        .post(character + "/messages")
        .handler(authenticated)
        .handler(ctx -> post(ctx, identity.apply(ctx), false));
    router
        .post(character + "/regenerate")
        .handler(authenticated)
        .handler(ctx -> post(ctx, identity.apply(ctx), true));
    route(
        router.get(character + "/conversations"),
        authenticated,
        identity,
        (ctx, me) ->
            chats
                .list(me, ctx.pathParam("characterId"))
                .map(
                    list -> {
                      JsonArray out = new JsonArray();
                      list.forEach(c -> out.add(c.toJson()));
                      return new JsonObject().put("conversations", out);
                    }));
    router
        .post(character + "/conversations")
        .handler(authenticated)
        .handler(
            ctx ->
                chats
                    .create(identity.apply(ctx), ctx.pathParam("characterId"))
                    .onSuccess(opened -> ok(ctx, 201, opened.toJson()))
                    .onFailure(ctx::fail));
    route(router.patch(conversation), authenticated, identity, this::patch);
    route(
        router.put(conversation + "/memory"),
        authenticated,
        identity,
        (ctx, me) -> {
          JsonObject body = body(ctx);
          return memory
              .update(
                  me,
                  ctx.pathParam("conversationId"),
                  body.getValue("summary"),
                  body.getValue("pins"))
              .map(m -> new JsonObject().put("memory", m));
        });
    mountPersonas(router, authenticated, identity);
    route(
        router.delete(conversation),
        authenticated,
        identity,
        (ctx, me) -> chats.delete(me, ctx.pathParam("conversationId")));
    route(
        router.patch(conversation + "/messages/:messageId"), authenticated, identity, this::change);
  }

  private void route(
      io.vertx.ext.web.Route route,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity,
      BiFunction<RoutingContext, Identity, Future<JsonObject>> action) {
    route
        .handler(authenticated)
        .handler(
            ctx ->
                action
                    .apply(ctx, identity.apply(ctx))
                    .onSuccess(json -> ok(ctx, 200, json))
                    .onFailure(ctx::fail));
  }

  /** A new title and/or persona for a conversation. */
  private Future<JsonObject> patch(RoutingContext ctx, Identity me) {
    JsonObject body = body(ctx);
    String id = ctx.pathParam("conversationId");
    if (!body.containsKey("title") && !body.containsKey("personaId")) {
      throw ApiException.badRequest("give title and/or personaId");
    }
    Future<CompanionConversation> renamed =
        body.containsKey("title")
            ? chats.rename(me, id, body.getValue("title"))
            : Future.succeededFuture();
    return renamed
        .compose(
            c ->
                body.containsKey("personaId")
                    ? chats.persona(me, id, body.getValue("personaId"))
                    : Future.succeededFuture(c))
        .map(c -> new JsonObject().put("conversation", c.toJson()));
  }

  private void mountPersonas(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    String one = "/api/me/personas/:personaId";
    route(
        router.get("/api/me/personas"),
        authenticated,
        identity,
        (ctx, me) ->
            personas
                .list(me)
                .map(
                    list -> {
                      JsonArray out = new JsonArray();
                      list.forEach(p -> out.add(p.toJson()));
                      return new JsonObject()
                          .put("personas", out)
                          .put("limits", new JsonObject().put("personas", Personas.MAX_PERSONAS));
                    }));
    router
        .post("/api/me/personas")
        .handler(authenticated)
        .handler(
            ctx -> {
              JsonObject body = body(ctx);
              personas
                  .create(identity.apply(ctx), body.getValue("name"), body.getValue("description"))
                  .onSuccess(p -> ok(ctx, 201, new JsonObject().put("persona", p.toJson())))
                  .onFailure(ctx::fail);
            });
    route(
        router.patch(one),
        authenticated,
        identity,
        (ctx, me) -> {
          JsonObject body = body(ctx);
          return personas
              .update(
                  me,
                  ctx.pathParam("personaId"),
                  body.getValue("name"),
                  body.getValue("description"))
              .map(p -> new JsonObject().put("persona", p.toJson()));
        });
    route(
        router.delete(one),
        authenticated,
        identity,
        (ctx, me) -> personas.delete(me, ctx.pathParam("personaId")).map(v -> new JsonObject()));
  }

  private Future<JsonObject> history(RoutingContext ctx, Identity me) {
    var query = ctx.queryParams();
    return chats
        .open(
            me,
            ctx.pathParam("characterId"),
            query.get("conversationId"),
            query.get("before"),
            ClientInput.historyLimit(query.get("limit")))
        .map(CompanionChats.Opened::toJson);
  }

  /** An edit ({@code text}) or a swipe chosen ({@code swipe}), one at a time. */
  private Future<JsonObject> change(RoutingContext ctx, Identity me) {
    JsonObject body = body(ctx);
    String conversationId = ctx.pathParam("conversationId");
    String messageId = ctx.pathParam("messageId");
    if (body.containsKey("text") == body.containsKey("swipe")) {
      throw ApiException.badRequest("give either text or swipe");
    }
    Future<CompanionMessage> changed =
        body.containsKey("text")
            ? chats.edit(me, conversationId, messageId, body.getValue("text"))
            : chats.swipe(me, conversationId, messageId, body.getValue("swipe"));
    return changed.map(m -> new JsonObject().put("message", m.toJson()));
  }

  private void post(RoutingContext ctx, Identity me, boolean regenerate) {
    JsonObject body = body(ctx);
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean sse = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    CompanionStream stream =
        sse ? new SseCompanionStream(ctx.response()) : new JsonCompanionReply(ctx);
    CompanionService.Ask ask =
        new CompanionService.Ask(
            ctx.pathParam("characterId"),
            body.getValue("conversationId"),
            body.getValue("text"),
            regenerate);
    replies.run(stream, me, ask).onFailure(refused -> refused(ctx, refused));
  }

  /** The message was not admitted: a plain JSON error (AI_BUSY: 503 with Retry-After). */
  private static void refused(RoutingContext ctx, Throwable cause) {
    if (!(cause instanceof CancellationException)) { // else the client left while waiting
      ctx.fail(cause);
    }
  }

  private static void ok(RoutingContext ctx, int status, JsonObject json) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("ok", true).mergeIn(json).encode());
    }
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
}
