package chat.nexus.companion;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The answer to {@code POST /api/companions/{characterId}/messages} without an event stream: no
 * deltas, then {@code {ok, message, reply}} (the stored user and assistant messages) once the reply
 * is whole, or the error through the router's failure handler. A client that closes the connection
 * cancels the turn.
 */
final class JsonCompanionReply implements CompanionStream {

  private final RoutingContext ctx;

  JsonCompanionReply(RoutingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public boolean open() {
    return !ctx.response().closed() && !ctx.response().ended();
  }

  @Override
  public Future<Void> started(CompanionTurn turn) {
    if (open()) {
      ctx.response().closeHandler(v -> turn.cancel());
    }
    return Future.succeededFuture();
  }

  @Override
  public void token(long messageId, String delta) {
    // the whole reply goes out at the end
  }

  @Override
  public void done(CompanionTurn turn, CompanionMessage reply) {
    if (open()) {
      ctx.response()
          .setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(
              new JsonObject()
                  .put("ok", true)
                  .put("message", turn.userMessage().toJson())
                  .put("reply", reply.toJson())
                  .encode());
    }
  }

  @Override
  public void failed(CompanionTurn turn, Throwable cause) {
    if (open()) {
      ctx.fail(cause);
    }
  }
}
