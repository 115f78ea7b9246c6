package chat.nexus.companion;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake OpenAI-compatible upstream on 127.0.0.1, port 0, for the companion tests: it records every
 * request body, answers each with the text {@code replies} makes of it, streamed word by word, and
 * fails the next {@link #failNext} requests with a 400 (not retried by the gateway).
 */
final class ScriptedUpstream implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<JsonObject> bodies = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final Function<JsonObject, String> replies;

  private ScriptedUpstream(Function<JsonObject, String> replies) {
    this.replies = replies;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /**
   * Answers what {@code replies} makes of each request body; null: "Reply n." (n counts the answers
   * from 1), so that every reply differs.
   */
  static ScriptedUpstream start(Function<JsonObject, String> replies) {
    ScriptedUpstream up = new ScriptedUpstream(replies);
    try {
      up.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return up;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  void failNext(int count) {
    failures.set(count);
  }

  List<JsonObject> bodies() {
    return List.copyOf(bodies);
  }

  JsonObject lastBody() {
    return bodies.get(bodies.size() - 1);
  }

  /** The contents of a request's messages of this role. */
  static List<String> contents(JsonObject body, String role) {
    List<String> out = new ArrayList<>();
    JsonArray messages = body.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      if (role.equals(m.getString("role"))) {
        out.add(m.getString("content"));
      }
    }
    return out;
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            buffer -> {
              if (!request.path().endsWith("/chat/completions")) {
                request.response().setStatusCode(404).end();
                return;
              }
              JsonObject body = buffer.toJsonObject();
              bodies.add(body);
              if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                request
                    .response()
                    .setStatusCode(400)
                    .putHeader("Content-Type", "application/json")
                    .end("{\"error\":{\"message\":\"scripted failure\"}}");
                return;
              }
              int n = answered.incrementAndGet();
              String text = replies == null ? "Reply " + n + "." : replies.apply(body);
              var response = request.response();
              response.setChunked(true).putHeader("Content-Type", "text/event-stream");
              for (String word : text.split("(?<= )")) {
                response.write("data: " + chunk(word) + "\n\n");
              }
              response.write(
                  "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
              response.end("data: [DONE]\n\n");
            });
  }

  private static String chunk(String delta) {
    return new JsonObject()
        .put("id", "chatcmpl-scripted")
        .put("object", "chat.completion.chunk")
        .put(
            "choices",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 0)
                        .put("delta", new JsonObject().put("content", delta))))
        .encode();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
