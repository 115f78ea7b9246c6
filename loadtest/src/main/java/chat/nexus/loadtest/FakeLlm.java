package chat.nexus.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fake OpenAI-compatible upstream for the LLM gateway benchmark: {@code POST
 * .../chat/completions} with {@code "stream":true} answers Server-Sent Events, the first token
 * after --first-token-ms and the rest spread so the whole reply takes --reply-ms, then {@code data:
 * [DONE]}. Counts requests in flight (and their maximum) and replies served; prints them every
 * second when they change and on exit, and serves them as JSON at {@code GET /stats} ({@code
 * {inFlight, maxInFlight, served, requests}}); {@code GET /timings} gives, per {@code
 * #m<burst>-<user>} marker found in a request, when it arrived and when its first token was written
 * (System.nanoTime, comparable across processes on one Linux host), so the load tool can split its
 * time to first token into server-before-upstream, upstream, and server-after-upstream.
 */
@Command(
    name = "fake-llm",
    mixinStandardHelpOptions = true,
    description =
        "Fake OpenAI-compatible streaming upstream (SSE chat completions) that records its peak concurrency.")
final class FakeLlm implements Callable<Integer> {
  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "3699",
      description = "Port to listen on. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--first-token-ms",
      defaultValue = "200",
      description = "Delay before the first token. Default: ${DEFAULT-VALUE}.")
  long firstTokenMs;

  @Option(
      names = "--reply-ms",
      defaultValue = "2000",
      description = "Time from request to [DONE]. Default: ${DEFAULT-VALUE}.")
  long replyMs;

  @Option(
      names = "--tokens",
      defaultValue = "20",
      description = "Tokens per reply. Default: ${DEFAULT-VALUE}.")
  int tokens;

  static final java.util.regex.Pattern MARKER = java.util.regex.Pattern.compile("#m[0-9]+-[0-9]+");

  /**
   * marker -> {request arrived, first token written}, System.nanoTime (CLOCK_MONOTONIC: one clock
   * per host).
   */
  private final java.util.Map<String, long[]> timings =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer()
        .requestHandler(
            req -> {
              if (req.method() == HttpMethod.GET && req.path().equals("/stats")) {
                req.response().putHeader("content-type", "application/json").end(stats().encode());
              } else if (req.method() == HttpMethod.GET && req.path().equals("/timings")) {
                JsonObject t = new JsonObject();
                timings.forEach((k, v) -> t.put(k, new JsonArray().add(v[0]).add(v[1])));
                req.response().putHeader("content-type", "application/json").end(t.encode());
              } else if (req.method() == HttpMethod.GET
                  && req.path().endsWith("/models")) { // the gateway's LLM_PRECONNECT
                req.response()
                    .putHeader("content-type", "application/json")
                    .end(
                        "{\"object\":\"list\",\"data\":[{\"id\":\"fake-llm\",\"object\":\"model\"}]}");
              } else if (req.method() == HttpMethod.POST
                  && req.path().endsWith("/chat/completions")) {
                long arrived = System.nanoTime();
                req.body()
                    .onSuccess(
                        body -> stream(vertx, req.response(), marker(body.toString()), arrived));
              } else {
                req.response().setStatusCode(404).end();
              }
            })
        .listen(port, host)
        .await();
    System.out.printf(
        "fake-llm listening on http://%s:%d (first token %d ms, reply %d ms, %d tokens)%n",
        host, port, firstTokenMs, replyMs, tokens);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("fake-llm final " + stats().encode());
                  System.out.flush();
                }));
    String[] last = {""};
    vertx.setPeriodic(
        1000,
        id -> {
          String now = stats().encode();
          if (!now.equals(last[0])) {
            last[0] = now;
            System.out.println("fake-llm " + now);
          }
        });
    stop.await();
    return 0;
  }

  private JsonObject stats() {
    return new JsonObject()
        .put("inFlight", inFlight.get())
        .put("maxInFlight", maxInFlight.get())
        .put("served", served.get())
        .put("requests", requests.get());
  }

  /**
   * The last {@code #m<...>} marker in the request (the load tool tags each user message with one),
   * or null.
   */
  private static String marker(String body) {
    java.util.regex.Matcher m = MARKER.matcher(body);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return last;
  }

  private void stream(Vertx vertx, HttpServerResponse res, String marker, long arrived) {
    long[] t = {arrived, 0};
    if (marker != null) {
      if (timings.size() > 100_000) {
        timings.clear();
      }
      timings.put(marker, t);
    }
    requests.incrementAndGet();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    boolean[] over = {false};
    Runnable finish =
        () -> {
          if (!over[0]) {
            over[0] = true;
            inFlight.decrementAndGet();
          }
        };
    res.closeHandler(v -> finish.run());
    res.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    long gap = tokens > 1 ? Math.max(0, (replyMs - firstTokenMs) / (tokens - 1)) : 0;
    long created = System.currentTimeMillis() / 1000;
    send(vertx, res, 0, Math.max(1, firstTokenMs), gap, created, finish, t);
  }

  private void send(
      Vertx vertx,
      HttpServerResponse res,
      int i,
      long delay,
      long gap,
      long created,
      Runnable finish,
      long[] t) {
    Runnable step =
        () -> {
          if (res.closed() || res.ended()) {
            finish.run();
            return;
          }
          boolean last = i == tokens - 1;
          JsonObject delta = new JsonObject().put("content", (i == 0 ? "Hello" : " word" + i));
          if (i == 0) {
            delta.put("role", "assistant");
          }
          JsonObject chunk =
              new JsonObject()
                  .put("id", "chatcmpl-fake")
                  .put("object", "chat.completion.chunk")
                  .put("created", created)
                  .put("model", "fake")
                  .put(
                      "choices",
                      new JsonArray()
                          .add(
                              new JsonObject()
                                  .put("index", 0)
                                  .put("delta", delta)
                                  .put("finish_reason", last ? "stop" : null)));
          if (i == 0) {
            t[1] = System.nanoTime();
          }
          res.write("data: " + chunk.encode() + "\n\n");
          if (last) {
            res.end("data: [DONE]\n\n");
            served.incrementAndGet();
            finish.run();
          } else {
            send(vertx, res, i + 1, Math.max(1, gap), gap, created, finish, t);
          }
        };
    if (delay <= 1 && i > 0 && gap == 0) {
      step.run();
    } else {
      vertx.setTimer(delay, id -> step.run());
    }
  }
}
