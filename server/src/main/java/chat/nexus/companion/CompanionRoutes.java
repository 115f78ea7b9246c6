package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The companion routes of the contract (signed in), mounted by HttpApi under its body and failure
 * handlers:
 *
 * <ul>
 *   <li>{@code GET /api/companions/{characterId}/messages?limit}: {@code {ok, messages}}, oldest
 *       first (starts the conversation with first_mes when it is empty).
 *   <li>{@code POST /api/companions/{characterId}/messages {text}}: waits for the whole reply and
 *       answers {@code {ok, message, reply}} (the stored user and assistant messages); with {@code
 *       Accept: text/event-stream}, streams {@code event: token} ({@code {messageId, delta}}), then
 *       {@code event: done} ({@code {messageId, message}}) or {@code event: error} ({@code
 *       {messageId, error}}). Errors before the stream starts (AI_BUSY: 503 with Retry-After) are
 *       plain JSON error responses. A client that closes the connection cancels the upstream call.
 * </ul>
 */
public final class CompanionRoutes {

  private final CompanionService service;
  private final CompanionReplies replies;

  public CompanionRoutes(CompanionService service) {
    this.service = service;
    this.replies = new CompanionReplies(service);
  }

  public void mount(
      Router router,
      Handler<RoutingContext> authenticated,
      Function<RoutingContext, Identity> identity) {
    router
        .get("/api/companions/:characterId/messages")
        .handler(authenticated)
        .handler(ctx -> history(ctx, identity.apply(ctx)));
    router
        .post("/api/companions/:characterId/messages")
        .handler(authenticated)
        .handler(ctx -> post(ctx, identity.apply(ctx)));
  }

  private void history(RoutingContext ctx, Identity me) {
    int limit = ClientInput.historyLimit(ctx.queryParams().get("limit"));
    service
        .open(me, ctx.pathParam("characterId"), limit)
        .onSuccess(list -> json(ctx.response(), CompanionMessage.toJsonArray(list)))
        .onFailure(ctx::fail);
  }

  private void post(RoutingContext ctx, Identity me) {
    JsonObject body = body(ctx);
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean sse = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    CompanionStream stream =
        sse ? new SseCompanionStream(ctx.response()) : new JsonCompanionReply(ctx);
    replies
        .run(stream, me, ctx.pathParam("characterId"), body.getValue("text"))
        .onFailure(refused -> refused(ctx, refused));
  }

  /** The message was not admitted: a plain JSON error (AI_BUSY: 503 with Retry-After). */
  private static void refused(RoutingContext ctx, Throwable cause) {
    if (!(cause instanceof CancellationException)) { // else the client left while waiting
      ctx.fail(cause);
    }
  }

  private static void json(HttpServerResponse response, JsonArray messages) {
    if (!response.ended() && !response.closed()) {
      response
          .setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("ok", true).put("messages", messages).encode());
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
