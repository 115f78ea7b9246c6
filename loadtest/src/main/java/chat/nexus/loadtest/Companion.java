package chat.nexus.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The LLM gateway benchmark: N users, each with its own JWT and socket, open a companion
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

  /**
   * The pause between two bursts, so that the server's work after the last reply of one (storing
   * it, giving back its permit) is behind it when the next one arrives all at once.
   */
  private static final long BETWEEN_BURSTS_MS = 200;

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
    List<CompanionUser> all = users();
    if (characterId == null) {
      characterId = rest.createCharacter(all.get(0).jwt);
      System.out.println("created character " + characterId);
    }
    connectAndOpen(all);
    System.out.println(users + " users connected and opened; burst");
    for (int i = 0; i < warmupBursts; i++) {
      burst(all);
      Thread.sleep(BETWEEN_BURSTS_MS);
    }
    if (warmupBursts > 0) {
      System.out.println(warmupBursts + " warm-up bursts done; measured burst");
    }
    JsonObject fakeBefore = fakeStats();
    String metricsBefore = serverMetrics();

    BurstResult burst = burst(all);
    burst.overhead =
        PromHistogram.parse(serverMetrics(), OVERHEAD)
            .minus(PromHistogram.parse(metricsBefore, OVERHEAD));

    JsonObject fakeAfter = fakeStats();
    BurstResult check = null;
    if (after > 0) {
      Thread.sleep(BETWEEN_BURSTS_MS);
      check = burst(all.subList(0, Math.min(after, all.size())));
    }
    JsonObject fakeEnd = fakeStats();
    all.forEach(CompanionUser::close);

    write(
        new CompanionReport(url, characterId, firstTokenMs)
            .markdown(burst, check, fakeBefore, fakeAfter, fakeEnd));
    boolean good =
        burst.errors == 0 && burst.busyNoRetry == 0 && (check == null || check.ok == check.n);
    return good ? 0 : 1;
  }

  /** The users, each with a token of its own. */
  private List<CompanionUser> users() {
    byte[] key = jwtSecret.getBytes(StandardCharsets.UTF_8);
    long exp = System.currentTimeMillis() / 1000 + 3600;
    List<CompanionUser> all = new ArrayList<>();
    for (int k = 0; k < users; k++) {
      all.add(new CompanionUser(k, Jwt.user(key, prefix + "-" + k, prefix + " " + k, exp), base));
    }
    return all;
  }

  /** Connects every user and opens its conversation with the character. */
  private void connectAndOpen(List<CompanionUser> all) throws TimeoutException {
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
                                    CompanionUser.ok(a)
                                        ? Future.succeededFuture()
                                        : Future.failedFuture("open: " + a.encode())))
                .toList())
        .await(timeoutS, TimeUnit.SECONDS);
  }

  /** Prints the report and appends it to --out. */
  private void write(String report) throws java.io.IOException {
    System.out.print(report);
    if (out != null) {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /**
   * Every user in {@code group} sends companion:message at once; waits for every ack and every
   * reply.
   */
  private BurstResult burst(List<CompanionUser> group) {
    List<Future<Void>> finished = new ArrayList<>();
    for (CompanionUser u : group) {
      u.reset();
    }
    int b = ++bursts;
    List<JsonObject> payloads = new ArrayList<>();
    for (CompanionUser u : group) {
      payloads.add(
          new JsonObject()
              .put("characterId", characterId)
              .put("text", "Hello there, tell me a story. " + BurstResult.marker(b, u)));
    }
    for (int i = 0; i < group.size(); i++) { // the barrier: all sent back to back from one thread
      finished.add(group.get(i).message(payloads.get(i)));
    }
    try {
      Future.join(finished).await(timeoutS, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("burst did not finish: " + e);
    }
    return BurstResult.of(group, b, fakeGet("/timings"));
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
}
