package chat.nexus.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The LLM gateway benchmark (issue 4): N users, each with its own JWT and socket, open a companion
 * conversation, then all send {@code companion:message} at the same moment. Measures the ack by
 * outcome (ok, AI_BUSY with retryAfter, other), time to the first {@code companion:token} and to
 * {@code companion:done}, and reads the fake upstream's peak concurrency. Afterwards --after users
 * send one more message each at once: all served shows every permit came back (nothing left in
 * flight).
 */
@Command(
    name = "companion",
    mixinStandardHelpOptions = true,
    description =
        "Companion burst: N users send companion:message at once; measure acks (ok / AI_BUSY), "
            + "time to first token and to done, and the upstream's peak concurrency.")
final class Companion implements Callable<Integer> {
  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:3000",
      description = "Chat server base URL. Default: ${DEFAULT-VALUE}.")
  String url;

  @Option(
      names = "--jwt-secret",
      defaultValue = "${env:JWT_SECRET}",
      description = "The server's JWT_SECRET. Default: $JWT_SECRET.",
      required = true)
  String jwtSecret;

  @Option(
      names = "--users",
      defaultValue = "200",
      description = "Users in the burst. Default: ${DEFAULT-VALUE}.")
  int users;

  @Option(names = "--character-id", description = "Use this character instead of creating one.")
  String characterId;

  @Option(
      names = "--fake-url",
      description = "The fake-llm base URL, to read its /stats (peak concurrency).")
  String fakeUrl;

  @Option(
      names = "--first-token-ms",
      defaultValue = "200",
      description =
          "The upstream's first-token time, for the gateway overhead. Default: ${DEFAULT-VALUE}.")
  long firstTokenMs;

  @Option(
      names = "--after",
      defaultValue = "50",
      description =
          "Users sending one more message each, together, after the burst (0 = none). Default: ${DEFAULT-VALUE}.")
  int after;

  @Option(
      names = "--timeout-s",
      defaultValue = "30",
      description = "Give up waiting for a phase after this. Default: ${DEFAULT-VALUE}.")
  int timeoutS;

  @Option(
      names = "--warmup-bursts",
      defaultValue = "0",
      description =
          "Untimed bursts by the same users before the measured one, so that both this tool and the server "
              + "run compiled code (a fresh JVM interprets at first). Default: ${DEFAULT-VALUE}.")
  int warmupBursts;

  @Option(
      names = "--user-prefix",
      defaultValue = "cmp",
      description = "User ids are <prefix>-<k>. Default: ${DEFAULT-VALUE}.")
  String prefix;

  @Option(names = "--out", description = "Append the Markdown report to this file.")
  Path out;

  @Option(
      names = "--local-address",
      description =
          "Connect the users' sockets from this local address (a 127.x "
              + "address), so that a capture can pick their traffic out, e.g. tcpdump -i lo host 127.0.0.9.")
  String localAddress;

  /** The server's timer of what the LLM gateway adds to a first token. */
  static final String OVERHEAD = "nexus_llm_gateway_overhead_seconds";

  private int bursts;
  private Vertx vertx;
  private HttpClient http;
  private URI base;
  private Rest rest;

  @Override
  public Integer call() throws Exception {
    vertx = Vertx.vertx();
    try {
      return run();
    } finally {
      vertx.close().await();
    }
  }

  private int run() throws Exception {
    base = URI.create(url);
    rest = new Rest(url);
    http = vertx.createHttpClient();
    byte[] key = jwtSecret.getBytes(StandardCharsets.UTF_8);
    long exp = System.currentTimeMillis() / 1000 + 3600;
    List<User> all = new ArrayList<>();
    for (int k = 0; k < users; k++) {
      all.add(new User(k, Jwt.user(key, prefix + "-" + k, prefix + " " + k, exp)));
    }
    if (characterId == null) {
      characterId = rest.createCharacter(all.get(0).jwt);
      System.out.println("created character " + characterId);
    }
    WebSocketClientOptions wsOptions =
        new WebSocketClientOptions().setMaxConnections(users + 10).setConnectTimeout(10_000);
    if (localAddress != null) {
      wsOptions.setLocalAddress(localAddress);
    }
    WebSocketClient ws = vertx.createWebSocketClient(wsOptions);
    Future.all(all.stream().map(u -> u.connect(ws)).toList()).await(timeoutS, TimeUnit.SECONDS);
    Future.all(
            all.stream()
                .map(
                    u ->
                        u.emit("companion:open", new JsonObject().put("characterId", characterId))
                            .compose(
                                a ->
                                    ok(a)
                                        ? Future.succeededFuture()
                                        : Future.failedFuture("open: " + a.encode())))
                .toList())
        .await(timeoutS, TimeUnit.SECONDS);
    System.out.println(users + " users connected and opened; burst");
    for (int i = 0; i < warmupBursts; i++) {
      burst(all);
      Thread.sleep(200);
    }
    if (warmupBursts > 0) {
      System.out.println(warmupBursts + " warm-up bursts done; measured burst");
    }
    JsonObject fakeBefore = fakeStats();
    String metricsBefore = serverMetrics();

    Result burst = burst(all);
    burst.overhead =
        PromHistogram.parse(serverMetrics(), OVERHEAD)
            .minus(PromHistogram.parse(metricsBefore, OVERHEAD));

    JsonObject fakeAfter = fakeStats();
    Result check = null;
    if (after > 0) {
      Thread.sleep(200);
      check = burst(all.subList(0, Math.min(after, all.size())));
    }
    JsonObject fakeEnd = fakeStats();
    all.forEach(User::close);

    String report = report(burst, check, fakeBefore, fakeAfter, fakeEnd);
    System.out.print(report);
    if (out != null) {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    boolean good =
        burst.errors == 0 && burst.busyNoRetry == 0 && (check == null || check.ok == check.n);
    return good ? 0 : 1;
  }

  /**
   * Every user in {@code group} sends companion:message at once; waits for every ack and every
   * reply.
   */
  private Result burst(List<User> group) {
    List<Future<Void>> finished = new ArrayList<>();
    for (User u : group) {
      u.reset();
    }
    int b = ++bursts;
    List<JsonObject> payloads = new ArrayList<>();
    for (User u : group) {
      payloads.add(
          new JsonObject()
              .put("characterId", characterId)
              .put("text", "Hello there, tell me a story. #m" + b + "-" + u.k));
    }
    for (int i = 0; i < group.size(); i++) { // the barrier: all sent back to back from one thread
      finished.add(group.get(i).message(payloads.get(i)));
    }
    try {
      Future.join(finished).await(timeoutS, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("burst did not finish: " + e);
    }
    Result r = new Result();
    r.n = group.size();
    JsonObject timings = fakeGet("/timings");
    for (User u : group) {
      if (timings != null
          && u.ok
          && u.firstTokenNs != 0
          && timings.getJsonArray("#m" + b + "-" + u.k) != null) {
        JsonArray t = timings.getJsonArray("#m" + b + "-" + u.k);
        r.before.add(t.getLong(0) - u.sentNs);
        r.upstream.add(t.getLong(1) - t.getLong(0));
        r.afterUp.add(u.firstTokenNs - t.getLong(1));
      }
      if (u.ackNs == 0) {
        r.errors++;
        r.errorCodes.merge("NO_ACK", 1, Integer::sum);
      } else if (u.ok) {
        r.ok++;
        r.okAck.add(u.ackNs - u.sentNs);
        if (u.firstTokenNs != 0) {
          r.ttft.add(u.firstTokenNs - u.sentNs);
        }
        if (u.doneNs != 0) {
          r.done.add(u.doneNs - u.sentNs);
        } else {
          r.errors++;
          r.errorCodes.merge(
              u.replyError == null ? "NO_DONE" : "reply " + u.replyError, 1, Integer::sum);
        }
      } else if ("AI_BUSY".equals(u.errorCode)) {
        r.busy++;
        r.busyAck.add(u.ackNs - u.sentNs);
        if (u.retryAfter == null) {
          r.busyNoRetry++;
        }
      } else {
        r.errors++;
        r.errorCodes.merge(String.valueOf(u.errorCode), 1, Integer::sum);
      }
    }
    return r;
  }

  private String report(Result b, Result check, JsonObject f0, JsonObject f1, JsonObject f2) {
    StringBuilder s = new StringBuilder();
    s.append("\n## companion burst ").append(Instant.now()).append("\n\n");
    s.append("server ")
        .append(url)
        .append(", ")
        .append(b.n)
        .append(" users at once, character ")
        .append(characterId)
        .append(", upstream first token ")
        .append(firstTokenMs)
        .append(" ms\n\n");
    s.append("| outcome | count | ack p50 ms | ack p99 ms | ack max ms |\n|---|---|---|---|---|\n");
    s.append(row("served (ok)", b.ok, b.okAck)).append(row("AI_BUSY", b.busy, b.busyAck));
    s.append("| errors | ")
        .append(b.errors)
        .append(" | ")
        .append(b.errorCodes)
        .append(" | | |\n\n");
    s.append("- AI_BUSY acks without retryAfter: ").append(b.busyNoRetry).append('\n');
    s.append("- time to first token (from send): ").append(pct(b.ttft)).append('\n');
    s.append("- gateway overhead = TTFT - ")
        .append(firstTokenMs)
        .append(" ms: p50 ")
        .append(ms(b.ttft.p(50) - firstTokenMs * 1_000_000))
        .append(" ms, p99 ")
        .append(ms(b.ttft.p(99) - firstTokenMs * 1_000_000))
        .append(" ms, max ")
        .append(ms(b.ttft.max() - firstTokenMs * 1_000_000))
        .append(" ms\n");
    if (b.before.size() > 0) {
      s.append("- TTFT split by the fake's clock (n=")
          .append(b.before.size())
          .append("): send to upstream request ")
          .append(pct(b.before))
          .append("; upstream first token ")
          .append(pct(b.upstream))
          .append("; upstream first token to client ")
          .append(pct(b.afterUp))
          .append('\n');
    }
    if (b.overhead != null && b.overhead.count() > 0) {
      s.append("- gateway overhead by the server's clock (")
          .append(OVERHEAD)
          .append(", n=")
          .append(b.overhead.count())
          .append("): p50 ≤ ")
          .append(String.format("%.3f", b.overhead.percentile(50) * 1e3))
          .append(" ms, p99 ≤ ")
          .append(String.format("%.3f", b.overhead.percentile(99) * 1e3))
          .append(" ms\n");
    }
    s.append("- time to companion:done (from send): ").append(pct(b.done)).append('\n');
    if (f1 != null) {
      s.append("- fake upstream: peak concurrent requests ")
          .append(f1.getInteger("maxInFlight"))
          .append(", replies served in the burst ")
          .append(f1.getLong("served") - f0.getLong("served"))
          .append(", upstream requests in the burst ")
          .append(f1.getLong("requests") - f0.getLong("requests"))
          .append(", in flight after the burst ")
          .append(f1.getInteger("inFlight"))
          .append('\n');
    }
    if (check != null) {
      s.append("- after the burst, ")
          .append(check.n)
          .append(" users at once: ")
          .append(check.ok)
          .append(" served, ")
          .append(check.busy)
          .append(" AI_BUSY, ")
          .append(check.errors)
          .append(" errors")
          .append(check.ok == check.n ? " (every permit came back)" : " (PERMITS MISSING?)");
      if (f2 != null) {
        s.append("; upstream in flight at the end ")
            .append(f2.getInteger("inFlight"))
            .append(", peak ")
            .append(f2.getInteger("maxInFlight"));
      }
      s.append('\n');
    }
    return s.toString();
  }

  private static String row(String name, int count, Samples x) {
    return "| "
        + name
        + " | "
        + count
        + " | "
        + ms(x.p(50))
        + " | "
        + ms(x.p(99))
        + " | "
        + ms(x.max())
        + " |\n";
  }

  private static String pct(Samples x) {
    return "p50 "
        + ms(x.p(50))
        + " ms, p99 "
        + ms(x.p(99))
        + " ms, max "
        + ms(x.max())
        + " ms (n="
        + x.size()
        + ")";
  }

  private static String ms(long ns) {
    return String.format("%.2f", ns / 1e6);
  }

  private static boolean ok(JsonObject ack) {
    return Boolean.TRUE.equals(ack.getValue("ok"));
  }

  /** The server's Prometheus text, or "" when it cannot be read. */
  private String serverMetrics() {
    String text = rest.getOrNull("/metrics");
    if (text == null) {
      System.err.println("server /metrics: no answer");
    }
    return text == null ? "" : text;
  }

  private JsonObject fakeStats() {
    return fakeGet("/stats");
  }

  private JsonObject fakeGet(String path) {
    if (fakeUrl == null) {
      return null;
    }
    try {
      return http.request(new RequestOptions().setAbsoluteURI(fakeUrl + path))
          .compose(req -> req.send().compose(HttpClientResponse::body))
          .map(b -> b.toJsonObject())
          .await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("fake-llm " + path + ": " + e);
      return null;
    }
  }

  /** Nanosecond samples; nearest-rank percentiles. */
  static final class Samples {
    private long[] v = new long[16];
    private int n;

    synchronized void add(long x) {
      if (n == v.length) {
        v = Arrays.copyOf(v, n * 2);
      }
      v[n++] = x;
    }

    synchronized int size() {
      return n;
    }

    synchronized long p(double q) {
      if (n == 0) {
        return 0;
      }
      long[] s = Arrays.copyOf(v, n);
      Arrays.sort(s);
      int rank = (int) Math.ceil(q / 100.0 * n);
      return s[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    synchronized long max() {
      return p(100);
    }
  }

  static final class Result {
    int n;
    int ok;
    int busy;
    int busyNoRetry;
    int errors;
    final Map<String, Integer> errorCodes = new ConcurrentHashMap<>();
    final Samples okAck = new Samples();
    final Samples busyAck = new Samples();
    final Samples ttft = new Samples();
    final Samples done = new Samples();
    final Samples before = new Samples();
    final Samples upstream = new Samples();
    final Samples afterUp = new Samples();
    PromHistogram overhead;
  }

  /**
   * One user on one Engine.IO v4 / Socket.IO v5 websocket: just enough of the protocol for these
   * events.
   */
  final class User {
    final int k;
    final String jwt;
    private WebSocket socket;
    private Context context;
    private final AtomicInteger nextAck = new AtomicInteger();
    private final Map<Integer, Promise<JsonObject>> acks = new ConcurrentHashMap<>();
    private Promise<Void> connected;
    private Promise<Void> finished;
    volatile long sentNs;
    volatile long ackNs;
    volatile long firstTokenNs;
    volatile long doneNs;
    volatile boolean ok;
    volatile String errorCode;
    volatile Object retryAfter;
    volatile String replyError;

    User(int k, String jwt) {
      this.k = k;
      this.jwt = jwt;
    }

    void reset() {
      sentNs = ackNs = firstTokenNs = doneNs = 0;
      ok = false;
      errorCode = null;
      retryAfter = null;
      replyError = null;
    }

    Future<Void> connect(WebSocketClient client) {
      connected = Promise.promise();
      int port =
          base.getPort() > 0 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
      WebSocketConnectOptions o =
          new WebSocketConnectOptions()
              .setHost(base.getHost())
              .setPort(port)
              .setSsl("https".equals(base.getScheme()))
              .setURI("/socket.io/?EIO=4&transport=websocket");
      return client
          .connect(o)
          .compose(
              ws -> {
                socket = ws;
                context = Vertx.currentContext();
                ws.textMessageHandler(this::frame);
                ws.closeHandler(
                    v -> {
                      connected.tryFail("closed");
                      if (finished != null) {
                        finished.tryComplete();
                      }
                    });
                return connected.future();
              });
    }

    void close() {
      if (socket != null) {
        socket.close();
      }
    }

    Future<JsonObject> emit(String event, JsonObject payload) {
      int id = nextAck.getAndIncrement();
      Promise<JsonObject> p = Promise.promise();
      acks.put(id, p);
      socket.writeTextMessage("42" + id + new JsonArray().add(event).add(payload).encode());
      return p.future();
    }

    /** Sends the message; the future completes when the reply is done, failed, or refused. */
    Future<Void> message(JsonObject payload) {
      finished = Promise.promise();
      Promise<Void> mine = finished;
      // the send time is read on the socket's own event loop, just before the frame is written, so
      // that the
      // burst's queueing inside this tool is not charged to the server
      context.runOnContext(
          v -> {
            sentNs = System.nanoTime();
            emit("companion:message", payload)
                .onSuccess(
                    a -> {
                      ackNs = System.nanoTime();
                      ok = ok(a);
                      if (!ok) {
                        JsonObject err = a.getJsonObject("error", new JsonObject());
                        errorCode = err.getString("code");
                        retryAfter = err.getValue("retryAfter");
                        mine.tryComplete();
                      }
                    });
          });
      return mine.future();
    }

    private void frame(String f) {
      long now = System.nanoTime();
      if (f.isEmpty()) {
        return;
      }
      char t = f.charAt(0);
      if (t == '0') {
        socket.writeTextMessage("40{\"token\":\"" + jwt + "\"}");
      } else if (t == '2') {
        socket.writeTextMessage("3");
      } else if (t == '4' && f.length() > 1) {
        char s = f.charAt(1);
        if (s == '0') {
          connected.tryComplete();
        } else if (s == '4') {
          connected.tryFail("connect refused: " + f);
        } else if (s == '3') {
          int i = 2;
          while (i < f.length() && Character.isDigit(f.charAt(i))) {
            i++;
          }
          int id = Integer.parseInt(f.substring(2, i));
          Promise<JsonObject> p = acks.remove(id);
          if (p != null) {
            Object a = new JsonArray(f.substring(i)).getValue(0);
            p.tryComplete(
                a instanceof JsonObject o
                    ? o
                    : new JsonObject().put("ok", false).put("raw", String.valueOf(a)));
          }
        } else if (s == '2') {
          int i = 2;
          while (i < f.length() && Character.isDigit(f.charAt(i))) {
            i++;
          }
          JsonArray ev = new JsonArray(f.substring(i));
          event(ev.getString(0), ev.size() > 1 ? ev.getValue(1) : null, now);
        }
      }
    }

    private void event(String name, Object arg, long now) {
      Promise<Void> p = finished;
      switch (name) {
        case "companion:token" -> {
          if (firstTokenNs == 0) {
            firstTokenNs = now;
          }
        }
        case "companion:done" -> {
          doneNs = now;
          if (p != null) {
            p.tryComplete();
          }
        }
        case "companion:error" -> {
          replyError =
              arg instanceof JsonObject o && o.getJsonObject("error") != null
                  ? o.getJsonObject("error").getString("code")
                  : String.valueOf(arg);
          if (p != null) {
            p.tryComplete();
          }
        }
        default -> {}
      }
    }
  }
}
