package chat.nexus.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.config.SecretValues;
import chat.nexus.observability.BuildInfo;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unexpected failures of a real request and of a socket event reach Sentry (a fake ingest endpoint
 * on 127.0.0.1) with the request id, the user id and the release, and with no secret in the bytes
 * sent.
 */
class ErrorReportsTest {

  private static final String LLM_KEY = "sk-never-leaves-the-server-0123456789";
  private static final String ADMIN_PASSWORD = "admin-password-never-sent-42";
  private static final String METRICS_TOKEN = "metrics-token-never-sent-0123456789abcdef";
  private static final String COOKIE = "nexus.sid=cookie-value-never-sent-1234";
  private static final long WAIT_S = 20;

  private HttpServer ingest;
  private final List<String> envelopes = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startIngest() throws IOException {
    ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ingest.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
          paths.add(exchange.getRequestURI().getPath());
          envelopes.add(new String(decoded(body, encoding), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    ingest.start();
  }

  private static byte[] decoded(byte[] body, String encoding) throws IOException {
    if (encoding == null || !encoding.contains("gzip")) {
      return body;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  @AfterEach
  void stopIngest() {
    ingest.stop(0);
  }

  @Test
  void internalErrorsOfRequestsAndEventsAreReportedWithIdsAndNoSecrets() throws Exception {
    String dsn = "http://publickey@127.0.0.1:" + ingest.getAddress().getPort() + "/1";
    Map<String, String> env =
        Map.of(
            "SENTRY_DSN", dsn,
            "LLM_API_KEYS", LLM_KEY,
            "ADMIN_PASSWORD", ADMIN_PASSWORD,
            "METRICS_TOKEN", METRICS_TOKEN,
            "LOG_FORMAT", "text");
    try (TestServer server = TestServer.start(Backend.H2, env)) {
      JsonObject guest = server.guest("reporter");
      String token = guest.getString("token");
      String userId = guest.getJsonObject("user").getString("id");
      Client client = server.connect(token);
      assertThat(client.call("room:join", new JsonObject().put("roomId", "lobby")).getBoolean("ok"))
          .isTrue();
      // history reads now fail in a way no handler expects: INTERNAL for the client
      server.update("ALTER TABLE messages RENAME TO messages_elsewhere");

      Rest.Response response =
          server
              .rest()
              .getWithHeaders(
                  "/api/rooms/lobby/messages",
                  Map.of(
                      "Authorization",
                      "Bearer " + token,
                      "Cookie",
                      COOKIE,
                      "X-Request-Id",
                      "req-sentry-1"));
      response.assertError(500, "INTERNAL");
      String httpEvent = awaitEnvelope(e -> e.contains("req-sentry-1"));

      JsonObject ack = client.call("history", new JsonObject().put("roomId", "lobby"));
      assertThat(ack.getJsonObject("error").getString("code")).isEqualTo("INTERNAL");
      String socketEvent = awaitEnvelope(e -> e.contains("event history"));

      server
          .chatServer()
          .vertx()
          .runOnContext(
              v -> {
                throw new IllegalStateException("a handler nothing catches");
              });
      String handlerEvent = awaitEnvelope(e -> e.contains("a handler nothing catches"));
      assertThat(handlerEvent).contains("IllegalStateException").contains("event loop");

      assertThat(paths).allMatch(p -> p.equals("/api/1/envelope/"));
      for (String envelope : List.of(httpEvent, socketEvent)) {
        assertThat(envelope)
            .as("the exception, the user id and the release")
            .contains("JdbcSQLSyntaxErrorException")
            .contains("\"id\":\"" + userId + "\"")
            .contains(BuildInfo.version())
            .contains("\"environment\":\"development\"");
      }
      assertThat(httpEvent).contains("\"request_id\":\"req-sentry-1\"");
      assertThat(socketEvent).contains("\"request_id\":\"" + client.id());
      String all = String.join("\n", envelopes);
      System.out.println("---- sent to Sentry ----\n" + all);
      assertThat(all)
          .as("no secret in what was sent")
          .doesNotContain(token)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1))
          .doesNotContain(TestServer.SECRET)
          .doesNotContain(LLM_KEY)
          .doesNotContain(ADMIN_PASSWORD)
          .doesNotContain(METRICS_TOKEN)
          .doesNotContain("cookie-value-never-sent")
          .doesNotContain("reporter"); // the user's name
    }
  }

  private String awaitEnvelope(Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      for (String envelope : envelopes) {
        if (wanted.test(envelope)) {
          return envelope;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such envelope; got:\n" + String.join("\n----\n", envelopes));
  }

  @Test
  void aUrlPasswordWithSlashOrAtSignIsCutWhole() {
    // the URL parser takes the credentials up to the last '@' before the parameters
    assertThat(
            ErrorReports.clean(
                "connecting to postgres://app:pass/word-1@db1:5432,db2:5432/chat failed"))
        .isEqualTo("connecting to postgres://db1:5432,db2:5432/chat failed");
    assertThat(ErrorReports.clean("redis://:p@ss-word-1@r:6379 refused"))
        .isEqualTo("redis://r:6379 refused");
  }

  @Test
  void aSecretOfTheEnvironmentIsBlankedUnderAnyName() {
    String key = "sk-live-7f3a9c1e5b";
    // an upstream's message that names the key without a telling word before it
    String message = "upstream refused " + key + " for this project";
    assertThat(ErrorReports.clean(message)).contains(key);
    try {
      ErrorReports.hide(SecretValues.of(Map.of("LLM_API_KEYS", "sk-other-0000000000," + key)));
      assertThat(ErrorReports.clean(message))
          .doesNotContain(key)
          .isEqualTo("upstream refused (hidden) for this project");
    } finally {
      ErrorReports.hide(SecretValues.none());
    }
  }
}
