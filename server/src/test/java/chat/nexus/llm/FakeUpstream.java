package chat.nexus.llm;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-compatible streaming server on 127.0.0.1, port 0, for the tests: each request takes
 * the next scripted {@link Behaviour} (or the default), and the server records what it saw:
 * requests, their Authorization headers and bodies, arrival times, and responses cut off by the
 * client closing the connection.
 */
public final class FakeUpstream implements AutoCloseable {

  /** What to do with one request. */
  interface Behaviour {
    void handle(HttpServerRequest request, Vertx vertx);
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
  private volatile Behaviour fallback = stream(List.of("Hello", " there", "!"), 0, 0);
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final List<JsonObject> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> arrivalsNanos = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> clientPorts = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> modelListPorts = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger cutOff = new AtomicInteger();

  private FakeUpstream(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  public static FakeUpstream start(Vertx vertx) {
    FakeUpstream up = new FakeUpstream(vertx);
    try {
      up.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return up;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** The next requests get these behaviours, in order; later ones get the fallback. */
  FakeUpstream then(Behaviour... next) {
    script.addAll(List.of(next));
    return this;
  }

  /** For tests in other packages: the first call answered, the second a 500, the rest answered. */
  public static void failSecondCall(FakeUpstream upstream) {
    upstream.then(stream(List.of("Hello", " there", "!"), 0, 0), status(500, Map.of(), "boom"));
  }

  FakeUpstream always(Behaviour behaviour) {
    fallback = behaviour;
    return this;
  }

  int requests() {
    return requests.get();
  }

  /** Responses the client cut off by closing (resetting) the connection before they ended. */
  int cutOff() {
    return cutOff.get();
  }

  List<String> authorizations() {
    return snapshot(authorizations);
  }

  public List<JsonObject> bodies() {
    return snapshot(bodies);
  }

  List<Long> arrivalsNanos() {
    return snapshot(arrivalsNanos);
  }

  /**
   * The client's port of each request's connection, in arrival order (which connection carried it).
   */
  List<Integer> clientPorts() {
    return snapshot(clientPorts);
  }

  /**
   * The client's port of each GET /models (the gateway's preconnect requests), in arrival order.
   */
  List<Integer> modelListPorts() {
    return snapshot(modelListPorts);
  }

  private static <T> List<T> snapshot(List<T> synchronizedList) {
    synchronized (synchronizedList) {
      return List.copyOf(synchronizedList);
    }
  }

  private void handle(HttpServerRequest request) {
    if (request.method() == io.vertx.core.http.HttpMethod.GET
        && request.path().endsWith("/models")) {
      int port = request.remoteAddress().port();
      request
          .response()
          .putHeader("content-type", "application/json")
          .end("{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\",\"object\":\"model\"}]}")
          .onSuccess(
              v -> modelListPorts.add(port)); // once answered, so that the connection is free again
      return;
    }
    arrivalsNanos.add(System.nanoTime());
    clientPorts.add(request.remoteAddress().port());
    authorizations.add(request.getHeader("Authorization"));
    Behaviour behaviour = script.poll();
    Behaviour chosen = behaviour != null ? behaviour : fallback;
    HttpServerResponse response = request.response();
    response.closeHandler(
        v -> {
          if (!response.ended()) {
            cutOff.incrementAndGet();
          }
        });
    request
        .body()
        .onSuccess(
            body -> {
              bodies.add(body.toJsonObject());
              requests.incrementAndGet();
              chosen.handle(request, vertx);
            });
  }

  static String event(String delta) {
    JsonObject chunk =
        new JsonObject()
            .put("id", "chatcmpl-fake")
            .put("object", "chat.completion.chunk")
            .put(
                "choices",
                List.of(
                    new JsonObject()
                        .put("index", 0)
                        .put("delta", new JsonObject().put("content", delta))));
    return "data: " + chunk.encode() + "\n\n";
  }

  /**
   * 200 and the tokens as SSE events, the first after {@code firstDelayMs}, then one per {@code
   * perTokenMs}.
   */
  static Behaviour stream(List<String> tokens, long firstDelayMs, long perTokenMs) {
    return (request, vertx) -> {
      HttpServerResponse response = request.response();
      response.setChunked(true).putHeader("Content-Type", "text/event-stream");
      response.write(": keep-alive\n\n");
      // a role-only first chunk, as OpenAI sends
      response.write(
          "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\n");
      writeTokens(response, vertx, tokens, 0, firstDelayMs, perTokenMs, -1);
    };
  }

  /** Pace of a stream that will break, so its tokens are flushed before the connection goes. */
  static final long BREAK_PACE_MS = 20;

  /** 200, {@code tokens} streamed, then the connection closes without [DONE]. */
  static Behaviour brokenAfter(List<String> tokens) {
    return (request, vertx) -> {
      HttpServerResponse response = request.response();
      response.setChunked(true).putHeader("Content-Type", "text/event-stream");
      writeTokens(response, vertx, tokens, 0, BREAK_PACE_MS, BREAK_PACE_MS, tokens.size());
    };
  }

  /** 200 and exactly these bytes as the event stream, then the end of the response. */
  static Behaviour raw(String... writes) {
    return (request, vertx) -> {
      HttpServerResponse response = request.response();
      response.setChunked(true).putHeader("Content-Type", "text/event-stream");
      for (String text : writes) {
        response.write(text);
      }
      response.end();
    };
  }

  /** 200 and headers, then nothing: a slow body. */
  static Behaviour hang() {
    return (request, vertx) ->
        request
            .response()
            .setChunked(true)
            .putHeader("Content-Type", "text/event-stream")
            .write(": waiting\n\n");
  }

  static Behaviour status(int code, Map<String, String> headers, String body) {
    return (request, vertx) -> {
      HttpServerResponse response = request.response().setStatusCode(code);
      headers.forEach(response::putHeader);
      response.end(body);
    };
  }

  private static void writeTokens(
      HttpServerResponse response,
      Vertx vertx,
      List<String> tokens,
      int index,
      long delayMs,
      long perTokenMs,
      int breakAt) {
    Runnable step =
        () -> {
          if (response.closed()) {
            return;
          }
          if (index == breakAt) {
            response.reset();
            return;
          }
          if (index >= tokens.size()) {
            response.write(
                "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":"
                    + tokens.size()
                    + "}}\n\n");
            response.end("data: [DONE]\n\n");
            return;
          }
          response.write(event(tokens.get(index)));
          writeTokens(response, vertx, tokens, index + 1, perTokenMs, perTokenMs, breakAt);
        };
    if (delayMs <= 0) {
      step.run();
    } else {
      vertx.setTimer(delayMs, id -> step.run());
    }
  }

  @Override
  public void close() {
    try {
      server.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // test teardown
    }
  }
}
