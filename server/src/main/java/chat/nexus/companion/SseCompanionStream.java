package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The answer to {@code POST /api/companions/{characterId}/messages} with {@code Accept:
 * text/event-stream}: a 200 stream opened by a comment naming the message, then {@code event:
 * token} ({@code {messageId, delta}}), then {@code event: done} ({@code {messageId, message}}) or
 * {@code event: error} ({@code {messageId, error}}), and the end of the response. A client that
 * closes the connection cancels the turn.
 */
final class SseCompanionStream implements CompanionStream {

  private final HttpServerResponse response;

  SseCompanionStream(HttpServerResponse response) {
    this.response = response;
  }

  @Override
  public boolean open() {
    return !response.closed() && !response.ended();
  }

  @Override
  public Future<Void> started(CompanionTurn turn) {
    if (open()) {
      response.closeHandler(v -> turn.cancel());
      response
          .setStatusCode(200)
          .setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      response.write(": stream of message " + turn.userMessage().id() + "\n\n");
    }
    return Future.succeededFuture();
  }

  @Override
  public void token(long messageId, String delta) {
    event("token", new JsonObject().put("messageId", messageId).put("delta", delta));
  }

  @Override
  public void done(CompanionTurn turn, CompanionMessage reply) {
    if (open()) {
      event(
          "done",
          new JsonObject()
              .put("messageId", turn.userMessage().id())
              .put("message", reply.toJson()));
      response.end();
    }
  }

  @Override
  public void failed(CompanionTurn turn, Throwable cause) {
    if (open()) {
      event(
          "error",
          new JsonObject()
              .put("messageId", turn.userMessage().id())
              .put("error", ApiException.toJson(cause).getJsonObject("error")));
      response.end();
    }
  }

  private void event(String name, JsonObject data) {
    if (open()) {
      response.write("event: " + name + "\ndata: " + data.encode() + "\n\n");
    }
  }
}
