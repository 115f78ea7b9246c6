package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.companion.CharacterRoutes;
import chat.nexus.engineio.EngineIoOptions;
import chat.nexus.llm.LlmOptions;
import chat.nexus.testing.Nginx;
import chat.nexus.testing.Rest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nginx.conf, run by the real nginx in front of fake nodes (Vert.x servers on 127.0.0.1 that
 * count every request they get): a request goes to another node only when its node could not be
 * reached, a node's own error reaches the client as it is, PNG cards fit, /metrics stays inside.
 */
class NginxTest {

  private static final String COMPANION = "/api/companions/mira/messages";
  private static final String AI_BUSY =
      new JsonObject()
          .put("ok", false)
          .put(
              "error",
              new JsonObject()
                  .put("code", "AI_BUSY")
                  .put("message", "Mira is busy")
                  .put("retryAfter", 7))
          .encode();

  @TempDir Path workDir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * A node that answers /health and /metrics, takes any body, and answers companion POSTs with
   * {@code companion}.
   */
  private final class FakeNode {
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    final HttpServer server;

    FakeNode(Handler<HttpServerRequest> companion) throws Exception {
      server =
          vertx
              .createHttpServer()
              .requestHandler(
                  request -> {
                    String key = request.method() + " " + request.path();
                    if (!key.equals("GET /health")) {
                      counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    }
                    switch (key) {
                      case "GET /health" -> request.response().end("{\"ok\":true}");
                      case "GET /metrics" -> request.response().end("nexus_connections 1.0\n");
                      case "POST " + COMPANION -> companion.handle(request);
                      default ->
                          request
                              .body()
                              .onSuccess(
                                  body ->
                                      request
                                          .response()
                                          .setStatusCode(201)
                                          .end(
                                              new JsonObject()
                                                  .put("ok", true)
                                                  .put("bytes", body.length())
                                                  .put("node", address())
                                                  .encode()));
                    }
                  })
              .listen(0, "127.0.0.1")
              .await(10, TimeUnit.SECONDS);
    }

    String address() {
      return "127.0.0.1:" + server.actualPort();
    }

    int count(String methodAndPath) {
      AtomicInteger count = counts.get(methodAndPath);
      return count == null ? 0 : count.get();
    }
  }

  private static Handler<HttpServerRequest> answer(
      int status, Map<String, String> headers, String body) {
    return request ->
        request
            .body()
            .onSuccess(
                b -> {
                  request
                      .response()
                      .setStatusCode(status)
                      .putHeader("Content-Type", "application/json");
                  headers.forEach(request.response()::putHeader);
                  request.response().end(body);
                });
  }

  private static Handler<HttpServerRequest> ok(String node) {
    return answer(200, Map.of(), new JsonObject().put("ok", true).put("node", node).encode());
  }

  private static Rest.Response postCompanion(Nginx nginx, String cookieNode) {
    Map<String, String> headers =
        cookieNode == null ? Map.of() : Map.of("Cookie", "nexus_node=" + cookieNode);
    return new Rest(nginx.url())
        .postRaw(COMPANION, "application/json", "{\"text\":\"hi\"}", null, headers);
  }

  @Test
  void aCompanionPostAnswered502ByItsNodeIsProcessedOnceAndTheClientSeesThe502() throws Exception {
    String body =
        new JsonObject()
            .put("ok", false)
            .put(
                "error",
                new JsonObject()
                    .put("code", "AI_UPSTREAM")
                    .put("message", "the model is unreachable"))
            .encode();
    FakeNode failing = new FakeNode(answer(502, Map.of(), body));
    FakeNode other = new FakeNode(ok("other"));
    try (Nginx nginx = Nginx.start(workDir, List.of(failing.address(), other.address()))) {
      Rest.Response response = postCompanion(nginx, failing.address());
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.body()).as("the node's own answer").isEqualTo(body);
      assertThat(failing.count("POST " + COMPANION)).isEqualTo(1);
      assertThat(other.count("POST " + COMPANION)).as("never sent again elsewhere").isZero();

      // without a cookie: least_conn picks either node; whichever got a POST answered it, once
      for (int i = 0; i < 6; i++) {
        int status = postCompanion(nginx, null).status();
        assertThat(status).isIn(200, 502);
      }
      assertThat(failing.count("POST " + COMPANION) + other.count("POST " + COMPANION))
          .isEqualTo(1 + 6);
      assertThat(failing.count("POST " + COMPANION))
          .as("a node's 502 does not take it out of rotation")
          .isGreaterThan(1);
    }
  }

  @Test
  void anAiBusy503ReachesTheClientWithItsRetryAfter() throws Exception {
    FakeNode busy = new FakeNode(answer(503, Map.of("Retry-After", "7"), AI_BUSY));
    FakeNode other = new FakeNode(ok("other"));
    try (Nginx nginx = Nginx.start(workDir, List.of(busy.address(), other.address()))) {
      Rest.Response response = postCompanion(nginx, busy.address());
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("Retry-After")).isEqualTo("7");
      assertThat(response.body()).isEqualTo(AI_BUSY);
      assertThat(response.header("Set-Cookie")).startsWith("nexus_node=" + busy.address() + ";");
      assertThat(busy.count("POST " + COMPANION)).isEqualTo(1);
      assertThat(other.count("POST " + COMPANION)).isZero();
    }
  }

  @Test
  void aNodeThatDiesAfterThePostWasSentLeavesTheClientA502() throws Exception {
    FakeNode dying =
        new FakeNode(request -> request.body().onSuccess(b -> request.connection().close()));
    FakeNode other = new FakeNode(ok("other"));
    try (Nginx nginx = Nginx.start(workDir, List.of(dying.address(), other.address()))) {
      assertThat(postCompanion(nginx, dying.address()).status()).isEqualTo(502);
      assertThat(dying.count("POST " + COMPANION)).isEqualTo(1);
      assertThat(other.count("POST " + COMPANION))
          .as("it may have been stored on the dead node")
          .isZero();
    }
  }

  @Test
  void aCookieNamingANodeThatIsDownStillReachesALiveNodeOnce() throws Exception {
    FakeNode one = new FakeNode(ok("one"));
    FakeNode two = new FakeNode(ok("two"));
    String down = "127.0.0.1:" + Nginx.freePort(); // in the configuration, nothing listening
    try (Nginx nginx = Nginx.start(workDir, List.of(down, one.address(), two.address()))) {
      Rest.Response response = postCompanion(nginx, down);
      assertThat(response.status()).isEqualTo(200);
      String answered =
          "127.0.0.1:"
              + (response.json().getString("node").equals("one") ? one : two).server.actualPort();
      assertThat(response.header("Set-Cookie"))
          .as("the cookie now names the node that answered")
          .isEqualTo("nexus_node=" + answered + "; Path=/; HttpOnly; SameSite=Lax");
      assertThat(one.count("POST " + COMPANION) + two.count("POST " + COMPANION)).isEqualTo(1);

      Rest.Response polling =
          new Rest(nginx.url())
              .getWithHeaders(
                  "/socket.io/?EIO=4&transport=polling", Map.of("Cookie", "nexus_node=" + down));
      assertThat(polling.status()).isEqualTo(201);
      for (int i = 0; i < 6; i++) {
        assertThat(postCompanion(nginx, null).status())
            .as("without a cookie, past the node that is down")
            .isEqualTo(200);
      }
      assertThat(one.count("POST " + COMPANION) + two.count("POST " + COMPANION)).isEqualTo(1 + 6);
    }
  }

  @Test
  void pngCardsUpToTheNodesLimitPassWhileOtherBodiesKeepTheSmallOne() throws Exception {
    FakeNode node = new FakeNode(ok("node"));
    try (Nginx nginx = Nginx.start(workDir, List.of(node.address()))) {
      Rest rest = new Rest(nginx.url());
      String png = "p".repeat(CharacterRoutes.UPLOAD_LIMIT_BYTES - 1024);
      Rest.Response created = rest.postRaw("/api/characters", "image/png", png, null, Map.of());
      assertThat(created.status()).as("%s", created).isEqualTo(201);
      assertThat(created.json().getInteger("bytes")).isEqualTo(png.length());

      String big = "j".repeat(2 * 1024 * 1024);
      assertThat(rest.postRaw(COMPANION, "application/json", big, null, Map.of()).status())
          .isEqualTo(413);
      assertThat(node.count("POST " + COMPANION)).isZero();
    }
  }

  @Test
  void metricsAreNotServedThroughNginx() throws Exception {
    FakeNode node = new FakeNode(ok("node"));
    try (Nginx nginx = Nginx.start(workDir, List.of(node.address()))) {
      Rest rest = new Rest(nginx.url());
      assertThat(rest.get("/metrics").status()).isEqualTo(404);
      assertThat(rest.get("/metrics/").status()).isEqualTo(404);
      assertThat(rest.get("//metrics?x=1").status()).isEqualTo(404);
      assertThat(node.count("GET /metrics")).isZero();
    }
  }

  @Test
  void theDrainRouteIsNotServedThroughNginx() throws Exception {
    FakeNode node = new FakeNode(ok("node"));
    try (Nginx nginx = Nginx.start(workDir, List.of(node.address()))) {
      Rest rest = new Rest(nginx.url());
      for (String path : List.of("/api/admin/drain", "//api/admin/drain?wait=true")) {
        assertThat(
                rest.postRaw(
                        path,
                        "application/json",
                        "",
                        null,
                        Map.of("Authorization", "Basic YWRtaW46Z3Vlc3M="))
                    .status())
            .isEqualTo(404);
      }
      assertThat(node.count("POST /api/admin/drain")).isZero();
    }
  }

  /**
   * The SSE and JSON companion replies send nothing until the LLM answers (LLM_TIMEOUT_MS at most);
   * a long-poll is answered at the latest with the next ping. Waiting 120 s in a test is too slow,
   * so this reads the timeouts nginx runs with.
   */
  @Test
  void readTimeoutsOutliveTheLlmTimeoutAndTheHeartbeat() throws Exception {
    String config = Files.readString(Nginx.DEPLOY.resolve("nginx.conf"));
    Matcher companion =
        Pattern.compile(
                "location ~ \\^/api/companions/\\[\\^/\\]\\+/\\(messages\\|regenerate\\)\\$ \\{([^}]*)}")
            .matcher(config);
    assertThat(companion.find()).as("a location for companion messages and regenerations").isTrue();
    assertThat(seconds(companion.group(1), "proxy_read_timeout") * 1000)
        .isGreaterThan(LlmOptions.DEFAULT_TOTAL_TIMEOUT_MS);
    Matcher server = Pattern.compile("\\n        proxy_read_timeout (\\d+)s;").matcher(config);
    assertThat(server.find()).isTrue();
    assertThat(Long.parseLong(server.group(1)) * 1000)
        .isGreaterThan(
            EngineIoOptions.DEFAULT_PING_INTERVAL_MS + EngineIoOptions.DEFAULT_PING_TIMEOUT_MS);
  }

  private static long seconds(String block, String directive) {
    Matcher m = Pattern.compile(directive + " (\\d+)s;").matcher(block);
    assertThat(m.find()).as("%s in %s", directive, block).isTrue();
    return Long.parseLong(m.group(1));
  }
}
