package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.engineio.EngineIoOptions;
import chat.nexus.socketio.testing.TestServer;
import chat.nexus.socketio.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-address handshake limits over real HTTP: a rate (both transports) and a cap on sessions
 * that have not joined a namespace yet. The client address comes from the application's hook, here
 * a test header, as a server behind a proxy would read X-Forwarded-For from its trusted proxies.
 */
class HandshakeLimitsTest {

  private static final String CLIENT_HEADER = "X-Test-Client";
  private static final int HANDSHAKES = 5;
  private static final int PENDING = 3;
  private static final long TIMEOUT_S = 10;

  private static TestServer rateLimited;
  private static TestServer pendingLimited;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    SocketIoOptions.Builder rate = SocketIoOptions.builder();
    rate.engine().clientAddress(HandshakeLimitsTest::client).handshakeRate(HANDSHAKES, 60_000);
    rateLimited = TestServer.start(rate.build(), io -> {});
    SocketIoOptions.Builder pending = SocketIoOptions.builder();
    pending
        .engine()
        .clientAddress(HandshakeLimitsTest::client)
        .maxPendingSessionsPerAddress(PENDING);
    pendingLimited = TestServer.start(pending.build(), io -> {});
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(TIMEOUT_S))
            .build();
  }

  @AfterAll
  static void stop() {
    if (rateLimited != null) {
      rateLimited.close();
    }
    if (pendingLimited != null) {
      pendingLimited.close();
    }
  }

  private static String client(io.vertx.core.http.HttpServerRequest request) {
    String client = request.getHeader(CLIENT_HEADER);
    return client != null ? client : EngineIoOptions.REMOTE_ADDRESS.apply(request);
  }

  @Test
  void handshakesPastTheRateAreRefusedWith429WhileAnotherAddressConnects() throws Exception {
    for (int i = 0; i < HANDSHAKES; i++) {
      assertThat(handshake(rateLimited, "flooder").statusCode())
          .as("handshake %d", i + 1)
          .isEqualTo(200);
    }
    HttpResponse<String> refused = handshake(rateLimited, "flooder");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 60L);
    assertThat(new JsonObject(refused.body()).getString("message")).contains("too many handshakes");
    // the websocket transport counts too: its upgrade request is refused the same way
    assertThat(webSocketStatus(rateLimited, "flooder")).isEqualTo(429);

    assertThat(handshake(rateLimited, "neighbour").statusCode()).isEqualTo(200);
    assertThat(webSocketStatus(rateLimited, "neighbour")).isEqualTo(101);
  }

  @Test
  void sessionsThatJoinNoNamespaceAreCappedPerAddress() throws Exception {
    String[] sids = new String[PENDING];
    for (int i = 0; i < PENDING; i++) {
      HttpResponse<String> open = handshake(pendingLimited, "idler");
      assertThat(open.statusCode()).isEqualTo(200);
      sids[i] = sid(open.body());
    }
    HttpResponse<String> refused = handshake(pendingLimited, "idler");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(refused.body()).getString("message"))
        .contains("waiting for authentication");
    assertThat(handshake(pendingLimited, "other").statusCode())
        .as("another address")
        .isEqualTo(200);

    // one session joins the main namespace: it no longer counts, and its slot is free again
    assertThat(post(pendingLimited, sids[0], "40").statusCode()).isEqualTo(200);
    Waits.until(
        () -> pendingLimited.io().engine().pendingSessions("idler") < PENDING,
        "the joined session to stop counting");
    assertThat(handshake(pendingLimited, "idler").statusCode()).isEqualTo(200);
    assertThat(handshake(pendingLimited, "idler").statusCode()).isEqualTo(429);

    // a pending session that closes frees its slot too
    assertThat(post(pendingLimited, sids[1], "1").statusCode()).isEqualTo(200);
    Waits.until(
        () -> pendingLimited.io().engine().pendingSessions("idler") < PENDING,
        "the closed session to stop counting");
    assertThat(handshake(pendingLimited, "idler").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> handshake(TestServer server, String client) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling"))
            .header(CLIENT_HEADER, client)
            .timeout(Duration.ofSeconds(TIMEOUT_S))
            .GET()
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(TestServer server, String sid, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
            .header(CLIENT_HEADER, "anyone")
            .timeout(Duration.ofSeconds(TIMEOUT_S))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The HTTP status of a websocket handshake: 101 when it opened (then closed again). */
  private static int webSocketStatus(TestServer server, String client) {
    try {
      WebSocket ws =
          http.newWebSocketBuilder()
              .header(CLIENT_HEADER, client)
              .connectTimeout(Duration.ofSeconds(TIMEOUT_S))
              .buildAsync(
                  URI.create(
                      "ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"),
                  new WebSocket.Listener() {})
              .join();
      ws.abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static String sid(String openPacket) {
    return new JsonObject(openPacket.substring(openPacket.indexOf('{'))).getString("sid");
  }
}
