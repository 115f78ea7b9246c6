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

  public CompanionRoutes(CompanionService service) {
    this.service = service;
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
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
                return;
              }
              JsonArray messages = new JsonArray();
              done.result().forEach(m -> messages.add(m.toJson()));
              json(ctx.response(), new JsonObject().put("ok", true).put("messages", messages));
            });
  }

  private void post(RoutingContext ctx, Identity me) {
    JsonObject body = body(ctx);
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean sse = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    HttpServerResponse response = ctx.response();
    Long[] messageId = {null};
    service
        .message(
            me,
            ctx.pathParam("characterId"),
            body.getValue("text"),
            delta -> {
              if (sse) {
                event(
                    response,
                    "token",
                    new JsonObject().put("messageId", messageId[0]).put("delta", delta));
              }
            },
            () -> !response.closed())
        .onComplete(
            started -> {
              if (started.failed()) {
                if (started.cause() instanceof CancellationException) {
                  return; // the client went away while waiting for a slot
                }
                ctx.fail(started.cause());
                return;
              }
              CompanionTurn turn = started.result();
              messageId[0] = turn.userMessage().id();
              if (response.closed() || response.ended()) {
                turn.cancel();
                return;
              }
              response.closeHandler(v -> turn.cancel());
              if (sse) {
                response
                    .setStatusCode(200)
                    .setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
                response.write(": stream of message " + messageId[0] + "\n\n");
              }
              turn.start();
              turn.reply()
                  .onComplete(
                      done -> {
                        if (response.closed() || response.ended()) {
                          return;
                        }
                        if (sse) {
                          if (done.succeeded()) {
                            event(
                                response,
                                "done",
                                new JsonObject()
                                    .put("messageId", messageId[0])
                                    .put("message", done.result().toJson()));
                          } else if (!(done.cause() instanceof CancellationException)) {
                            event(
                                response,
                                "error",
                                new JsonObject()
                                    .put("messageId", messageId[0])
                                    .put(
                                        "error",
                                        ApiException.toJson(done.cause()).getJsonObject("error")));
                          }
                          response.end();
                        } else if (done.succeeded()) {
                          json(
                              response,
                              new JsonObject()
                                  .put("ok", true)
                                  .put("message", turn.userMessage().toJson())
                                  .put("reply", done.result().toJson()));
                        } else {
                          ctx.fail(done.cause());
                        }
                      });
            });
  }

  private static void event(HttpServerResponse response, String name, JsonObject data) {
    if (!response.closed() && !response.ended()) {
      response.write("event: " + name + "\ndata: " + data.encode() + "\n\n");
    }
  }

  private static void json(HttpServerResponse response, JsonObject body) {
    if (!response.ended() && !response.closed()) {
      response
          .setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(body.encode());
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
