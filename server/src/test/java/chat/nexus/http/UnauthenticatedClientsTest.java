package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestServer;
import io.socket.client.IO;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the chat server gives a client before it authenticates, over real HTTP and websockets:
 * handshakes per address per minute, sessions waiting for authentication per address, the auth
 * deadline, and no binary packets. Client addresses come from X-Forwarded-For, believed from the
 * loopback proxy (TRUST_PROXY=loopback), as behind nginx.
 */
class UnauthenticatedClientsTest {

  private static final int HANDSHAKES_PER_MINUTE = 20;
  private static final long AUTH_TIMEOUT_MS = 1_000;

  /** Generous against a one-second deadline: the box may be loaded. */
  private static final long CLOSE_WITHIN_MS = 8_000;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private static Map<String, String> env(int handshakes, long authTimeoutMs) {
    return Map.of(
        "TRUST_PROXY",
        "loopback",
        "HANDSHAKES_PER_ADDRESS_PER_MINUTE",
        String.valueOf(handshakes),
        "AUTH_TIMEOUT_MS",
        String.valueOf(authTimeoutMs));
  }

  @Test
  void aHandshakeFloodIsRefusedPastTheRateWhileAnotherAddressConnects() throws Exception {
    try (TestServer server =
        TestServer.start(Backend.H2, env(HANDSHAKES_PER_MINUTE, AUTH_TIMEOUT_MS))) {
      for (int i = 0; i < HANDSHAKES_PER_MINUTE; i++) {
        assertThat(pollingHandshake(server, "203.0.113.10").statusCode())
            .as("handshake %d", i + 1)
            .isEqualTo(200);
      }
      HttpResponse<String> refused = pollingHandshake(server, "203.0.113.10");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 60L);
      assertThat(webSocketStatus(server, "203.0.113.10"))
          .as("the websocket transport too")
          .isEqualTo(429);

      IO.Options options = Client.options(server.guest("neighbour").getString("token"));
      options.extraHeaders = Map.of("X-Forwarded-For", List.of("203.0.113.11"));
      try (Client neighbour = Client.connect(server.url(), options, c -> {})) {
        assertThat(
                neighbour
                    .call("room:join", new JsonObject().put("roomId", "lobby"))
                    .getBoolean("ok"))
            .isTrue();
      }
    }
  }

  @Test
  void aPollingSessionFloodHitsThePendingCap() throws Exception {
    int cap = ConnectionLimits.DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS;
    // a long auth deadline, so that no session times out while the flood is being sent
    try (TestServer server = TestServer.start(Backend.H2, env(10 * cap, 60_000))) {
      String first = null;
      for (int i = 0; i < cap; i++) {
        HttpResponse<String> open = pollingHandshake(server, "198.51.100.7");
        assertThat(open.statusCode()).as("session %d", i + 1).isEqualTo(200);
        first = first != null ? first : sid(open.body());
      }
      HttpResponse<String> refused = pollingHandshake(server, "198.51.100.7");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("waiting for authentication");
      assertThat(pollingHandshake(server, "198.51.100.8").statusCode())
          .as("another address")
          .isEqualTo(200);

      // one of them authenticates: it no longer waits, and its address may open one more
      String token = server.guest("poller").getString("token");
      HttpResponse<String> connect =
          HTTP.send(
              HttpRequest.newBuilder(pollingUri(server, first))
                  .header("X-Forwarded-For", "198.51.100.7")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "40" + new JsonObject().put("token", token).encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(connect.statusCode()).isEqualTo(200);
      HttpResponse<String> ack =
          HTTP.send(
              HttpRequest.newBuilder(pollingUri(server, first))
                  .header("X-Forwarded-For", "198.51.100.7")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ack.body()).startsWith("40{\"sid\"");
      assertThat(pollingHandshake(server, "198.51.100.7").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSocketThatNeverAuthenticatesIsClosedAtTheDeadline() throws Exception {
    try (TestServer server =
        TestServer.start(Backend.H2, env(HANDSHAKES_PER_MINUTE, AUTH_TIMEOUT_MS))) {
      RawWebSocket raw = RawWebSocket.open(server, "192.0.2.1");
      assertThat(raw.next()).startsWith("0{\"sid\"");
      long started = System.nanoTime();
      assertThat(raw.closedWithin(CLOSE_WITHIN_MS)).as("closed by the auth deadline").isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(AUTH_TIMEOUT_MS - 200);
    }
  }

  @Test
  void aBinaryPacketIsRefused() throws Exception {
    try (TestServer server = TestServer.start(Backend.H2, env(HANDSHAKES_PER_MINUTE, 10_000))) {
      String token = server.guest("binary").getString("token");
      RawWebSocket raw = RawWebSocket.open(server, "192.0.2.2");
      assertThat(raw.next()).startsWith("0{\"sid\"");
      raw.send("40" + new JsonObject().put("token", token).encode());
      assertThat(raw.next()).startsWith("40{\"sid\"");
      // a message:send whose text is announced as a binary attachment: the chat takes no binary
      raw.send(
          "451-[\"message:send\",{\"roomId\":\"lobby\",\"text\":{\"_placeholder\":true,\"num\":0}}]");
      assertThat(raw.closedWithin(CLOSE_WITHIN_MS))
          .as("the connection is closed, nothing is buffered")
          .isTrue();
      try (Client other = server.connectGuest("after")) {
        assertThat(
                other.call("room:join", new JsonObject().put("roomId", "lobby")).getBoolean("ok"))
            .isTrue();
      }
    }
  }

  private static HttpResponse<String> pollingHandshake(TestServer server, String client)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling"))
            .header("X-Forwarded-For", client)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI pollingUri(TestServer server, String sid) {
    return URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
  }

  private static String sid(String openPacket) {
    return new JsonObject(openPacket.substring(openPacket.indexOf('{'))).getString("sid");
  }

  private static int webSocketStatus(TestServer server, String client) {
    try {
      RawWebSocket.open(server, client).close();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  /**
   * A websocket at /socket.io/ that speaks Engine.IO text by hand (answering pings) and records its
   * close.
   */
  private static final class RawWebSocket implements WebSocket.Listener {
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    static RawWebSocket open(TestServer server, String client) {
      RawWebSocket raw = new RawWebSocket();
      raw.ws =
          HTTP.newWebSocketBuilder()
              .header("X-Forwarded-For", client)
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(
                  URI.create(
                      "ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"),
                  raw)
              .join();
      return raw;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if ("2".equals(text)) {
          webSocket.sendText("3", true);
        } else {
          texts.add(text);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }

    void send(String text) {
      ws.sendText(text, true).join();
    }

    String next() throws InterruptedException {
      String text = texts.poll(CLOSE_WITHIN_MS, TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("no message within " + CLOSE_WITHIN_MS + " ms");
      }
      return text;
    }

    boolean closedWithin(long ms) {
      try {
        closed.get(ms, TimeUnit.MILLISECONDS);
        return true;
      } catch (Exception e) {
        return false;
      }
    }

    void close() {
      ws.abort();
    }
  }
}
