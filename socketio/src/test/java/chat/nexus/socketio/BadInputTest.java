package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.RawSocketIoClient;
import chat.nexus.socketio.testing.RawWebSocket;
import chat.nexus.socketio.testing.TestServer;
import chat.nexus.socketio.testing.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server does with input no official client sends, over real sockets: oversized messages
 * and bodies, garbage frames, bad handshakes. Each time, only the offending connection may suffer;
 * a healthy client connected beforehand keeps getting its echoes.
 */
class BadInputTest {

  static final int MAX_PAYLOAD = 10_000;
  private static final long TIMEOUT_S = 10;

  private static TestServer server;
  private static Vertx clientVertx;
  private static WebSocketClient webSockets;
  private static WebSocketClient smallFrames;
  private static java.net.http.HttpClient http;

  /**
   * Exceptions the server's event loops did not handle (Vert.x reports them to its exception
   * handler).
   */
  private static final List<Throwable> unhandled =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final List<RawSocketIoClient> clients = new ArrayList<>();
  private RawSocketIoClient healthy;

  @BeforeAll
  static void start() {
    SocketIoOptions.Builder options = SocketIoOptions.builder().connectTimeoutMs(5_000);
    options.engine().maxPayload(MAX_PAYLOAD);
    server = TestServer.start(options.build(), BadInputTest::echoApp);
    server.vertx().exceptionHandler(unhandled::add);
    clientVertx = Vertx.vertx();
    webSockets =
        clientVertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxMessageSize(1_000_000));
    // sends a long message as several frames, each under the server's frame limit
    smallFrames =
        clientVertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(4_096));
    http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The server app: "echo" answers "echo-back" with the same arguments. */
  static void echoApp(SocketIoServer io) {
    io.onConnection(
        socket ->
            socket.on("echo", event -> socket.emit("echo-back", event.args().getList().toArray())));
  }

  @AfterAll
  static void stop() throws Exception {
    if (clientVertx != null) {
      clientVertx.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void connectHealthyClient() throws Exception {
    unhandled.clear();
    healthy = connect(webSockets);
    healthy.assertEchoes("before");
  }

  @AfterEach
  void healthyClientIsUnaffected() throws Exception {
    try {
      assertThat(healthy.isClosed()).as("the healthy client was disconnected").isFalse();
      healthy.assertEchoes("after");
      try (RawSocketIoClient fresh = connect(webSockets)) {
        fresh.assertEchoes("fresh");
      }
      assertThat(unhandled).as("exceptions the server did not handle").isEmpty();
    } finally {
      clients.forEach(RawSocketIoClient::close);
    }
  }

  private RawSocketIoClient connect(WebSocketClient client) throws Exception {
    RawSocketIoClient raw = RawSocketIoClient.connect(client, server.port(), true);
    clients.add(raw);
    return raw;
  }

  // ---- namespaces ----

  @Test
  void aConnectionThatLeavesItsLastNamespaceHasTheConnectDeadlineAgain() throws Exception {
    RawSocketIoClient client = connect(webSockets);
    client.sendText("41"); // DISCONNECT from "/": the Engine.IO connection stays, in no namespace
    // the server's connectTimeoutMs (5 s) from then on, as for a connection that never joined one
    assertThat(client.awaitClose(TIMEOUT_S * 1000))
        .as("closed once in no namespace for connectTimeoutMs")
        .isTrue();
  }

  // ---- sizes ----

  /** 42["echo","xxx..."] of exactly {@code size} bytes. */
  private static String echoOfSize(int size) {
    String prefix = "42[\"echo\",\"";
    String suffix = "\"]";
    return prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix;
  }

  @Test
  void websocketMessageAtMaxPayloadIsAccepted() throws Exception {
    RawSocketIoClient client = connect(webSockets);
    String message = echoOfSize(MAX_PAYLOAD);
    client.sendText(message);
    Object reply = client.next(TIMEOUT_S * 1000);
    assertThat(reply).isInstanceOf(String.class);
    assertThat((String) reply).startsWith("42[\"echo-back\",\"xxx").hasSize(MAX_PAYLOAD + 5);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void oversizedWebsocketTextMessageClosesTheConnection(boolean fragmented) throws Exception {
    RawSocketIoClient client = connect(fragmented ? smallFrames : webSockets);
    client.sendText(echoOfSize(MAX_PAYLOAD + 1));
    assertThat(client.awaitClose(TIMEOUT_S * 1000))
        .as("closed after %d bytes", MAX_PAYLOAD + 1)
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void oversizedWebsocketBinaryMessageClosesTheConnection(boolean fragmented) throws Exception {
    RawSocketIoClient client = connect(fragmented ? smallFrames : webSockets);
    client.sendText("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]");
    client.sendBinary(Buffer.buffer(new byte[MAX_PAYLOAD * 2]));
    assertThat(client.awaitClose(TIMEOUT_S * 1000)).isTrue();
  }

  @Test
  void pollingPostAtMaxPayloadIsAccepted() throws Exception {
    String sid = pollingHandshake();
    assertThat(request(HttpMethod.POST, pollingUri(sid), "40").body()).isEqualTo("ok");
    assertThat(request(HttpMethod.GET, pollingUri(sid), null).body()).startsWith("40{");
    Reply post = request(HttpMethod.POST, pollingUri(sid), echoOfSize(MAX_PAYLOAD));
    assertThat(post.status()).isEqualTo(200);
    assertThat(request(HttpMethod.GET, pollingUri(sid), null).body())
        .startsWith("42[\"echo-back\",\"xxx");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void oversizedPollingPostIs413(boolean chunked) throws Exception {
    String sid = pollingHandshake();
    String body = echoOfSize(MAX_PAYLOAD + 1);
    Reply reply =
        chunked
            ? chunkedPost(pollingUri(sid), body)
            : request(HttpMethod.POST, pollingUri(sid), body);
    assertThat(reply.status()).isEqualTo(413);
    // the session is closed: a poll gets the close packet, or the sid is already gone
    Reply poll = request(HttpMethod.GET, pollingUri(sid), null);
    if (poll.status() == 200) {
      assertThat(poll.body()).endsWith("1");
    } else {
      assertThat(poll.status()).isEqualTo(400);
      assertThat(new JsonObject(poll.body()).getInteger("code")).isEqualTo(1);
    }
  }

  /**
   * A GET that poll() answers at once has its response ended before onPollRequest returns: no
   * handler may be set on it afterwards.
   */
  @Test
  void pollingGetAnsweredAtOnceRaisesNoException() throws Exception {
    String sid = pollingHandshake();
    request(HttpMethod.POST, pollingUri(sid), "40");
    // wait until the CONNECT ack is queued, so that the GET is answered inside poll()
    Waits.until(() -> server.io().sockets().sockets().size() >= 2, "the socket to connect");
    assertThat(request(HttpMethod.GET, pollingUri(sid), null).body()).startsWith("40{");
    assertThat(unhandled).isEmpty();
  }

  // ---- garbage over a connected websocket ----

  static Stream<Arguments> garbage() {
    return Stream.of(
        Arguments.of("empty text", ""),
        Arguments.of("unknown engine type", "x"),
        Arguments.of("engine type 9", "9hello"),
        Arguments.of("empty socket.io packet", "4"),
        Arguments.of("unknown socket.io type", "49"),
        Arguments.of("broken json", "42[\"echo\",{"),
        Arguments.of("not an array", "42{}"),
        Arguments.of("reserved event", "42[\"disconnect\"]"),
        Arguments.of("bad ack id", "42abc[\"echo\"]"),
        Arguments.of("illegal attachment count", "45x-[\"echo\"]"),
        Arguments.of("too many attachments", "4511-[\"echo\"]"),
        Arguments.of("engine close", "1"),
        Arguments.of("deep json", "42[\"echo\"," + "[".repeat(5_000) + "]".repeat(5_000) + "]"),
        Arguments.of("binary without a pending packet", Buffer.buffer(new byte[] {1, 2, 3})),
        Arguments.of("empty binary", Buffer.buffer()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbage")
  void garbageClosesOnlyThatConnection(String name, Object message) throws Exception {
    RawSocketIoClient client = connect(webSockets);
    if (message instanceof Buffer binary) {
      client.sendBinary(binary);
    } else {
      client.sendText((String) message);
    }
    assertThat(client.awaitClose(TIMEOUT_S * 1000)).as("closed after %s", name).isTrue();
  }

  @Test
  void placeholderOutOfRangeClosesTheConnection() throws Exception {
    RawSocketIoClient client = connect(webSockets);
    client.sendText("451-[\"echo\",{\"_placeholder\":true,\"num\":5}]");
    client.sendBinary(Buffer.buffer(new byte[] {1}));
    assertThat(client.awaitClose(TIMEOUT_S * 1000)).isTrue();
  }

  @Test
  void textWhileWaitingForAttachmentsClosesTheConnection() throws Exception {
    RawSocketIoClient client = connect(webSockets);
    client.sendText("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]");
    client.sendText("42[\"echo\",\"x\"]");
    assertThat(client.awaitClose(TIMEOUT_S * 1000)).isTrue();
  }

  @Test
  void randomFramesAtConnectedClients() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("BadInputTest.randomFramesAtConnectedClients seed: " + seed);
    Random random = new Random(seed);
    int closedCount = 0;
    for (int i = 0; i < 40; i++) {
      RawSocketIoClient client = connect(webSockets);
      byte[] bytes = new byte[1 + random.nextInt(40)];
      random.nextBytes(bytes);
      if (random.nextBoolean()) {
        client.sendBinary(Buffer.buffer(bytes));
      } else {
        client.sendText(
            (random.nextBoolean() ? "4" : "") + new String(bytes, StandardCharsets.UTF_8));
      }
      // either the server closed the connection, or it still serves it normally
      boolean alive = client.echoes("still-there-" + i, TIMEOUT_S * 1000);
      assertThat(alive || client.awaitClose(TIMEOUT_S * 1000))
          .as("seed %d, frame %d", seed, i)
          .isTrue();
      if (!alive) {
        closedCount++;
      }
      client.close();
    }
    assertThat(closedCount).as("seed %d", seed).isPositive();
  }

  // ---- garbage below the websocket layer ----

  static Stream<Arguments> rawFrames() {
    byte[] garbage = new byte[64];
    java.util.Arrays.fill(garbage, (byte) 0xff);
    byte[] hugeLength = {(byte) 0x82, (byte) 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4};
    return Stream.of(
        Arguments.of("0xff bytes", garbage),
        Arguments.of("unmasked text frame", new byte[] {(byte) 0x81, 0x02, '4', 'x'}),
        Arguments.of("reserved opcode", RawWebSocket.maskedFrame(0x83, new byte[] {1, 2})),
        Arguments.of(
            "rsv bits without extension",
            RawWebSocket.maskedFrame(0xf1, "42[\"echo\",\"a\"]".getBytes(StandardCharsets.UTF_8))),
        Arguments.of(
            "invalid utf-8 text",
            RawWebSocket.maskedFrame(0x81, new byte[] {'4', (byte) 0xc3, 0x28})),
        Arguments.of("oversized ping", RawWebSocket.maskedFrame(0x89, new byte[200])),
        Arguments.of("fragmented ping", RawWebSocket.maskedFrame(0x09, new byte[] {1})),
        Arguments.of(
            "continuation without start", RawWebSocket.maskedFrame(0x80, new byte[] {'4'})),
        Arguments.of("frame longer than the limit", hugeLength));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawFrames")
  void rawGarbageClosesOnlyThatConnection(String name, byte[] bytes) throws Exception {
    try (Socket socket = RawWebSocket.connectSocketIo(server.port())) {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      assertThat(RawWebSocket.closedByServer(socket)).as("closed after %s", name).isTrue();
    }
  }

  // ---- handshake errors ----

  @Test
  void unknownSessionId() throws Exception {
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
      Reply reply =
          request(
              method,
              "/socket.io/?EIO=4&transport=polling&sid=nope",
              method == HttpMethod.POST ? "40" : null);
      assertError(reply, 1, "Session ID unknown");
    }
  }

  @Test
  void unknownSessionIdOnWebsocket() {
    Throwable failure =
        webSockets
            .connect(server.port(), "127.0.0.1", "/socket.io/?EIO=4&transport=websocket&sid=nope")
            .map(ws -> (Throwable) null)
            .otherwise(e -> e)
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    assertThat(failure).isInstanceOf(io.vertx.core.http.UpgradeRejectedException.class);
    assertThat(((io.vertx.core.http.UpgradeRejectedException) failure).getStatus()).isEqualTo(400);
  }

  @Test
  void websocketTransportWithoutUpgradeHeader() throws Exception {
    assertError(
        request(HttpMethod.GET, "/socket.io/?EIO=4&transport=websocket", null),
        3,
        "transport does not match the request");
  }

  @Test
  void overlappingPollsAreRefusedAndEndTheSession() throws Exception {
    String sid = pollingHandshake();
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      polls.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(server.url() + pollingUri(sid)))
                  .timeout(java.time.Duration.ofSeconds(TIMEOUT_S))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    List<String> outcomes = new ArrayList<>();
    for (var poll : polls) {
      HttpResponse<String> response = poll.get(TIMEOUT_S, TimeUnit.SECONDS);
      outcomes.add(
          response.statusCode()
              + " "
              + (response.statusCode() == 400
                  ? new JsonObject(response.body()).getInteger("code")
                  : response.body()));
    }
    // the overlapping GET gets 400 (bad request), the waiting one is answered (close packet or
    // noop), not left hanging
    assertThat(outcomes)
        .containsExactlyInAnyOrder("400 3", outcomes.contains("200 6") ? "200 6" : "200 1");
  }

  @Test
  void unsupportedProtocolVersion() throws Exception {
    assertError(
        request(HttpMethod.GET, "/socket.io/?EIO=3&transport=polling", null),
        5,
        "Unsupported protocol version");
    assertError(
        request(HttpMethod.GET, "/socket.io/?transport=polling", null),
        5,
        "Unsupported protocol version");
    assertError(
        request(HttpMethod.GET, "/socket.io/?EIO=5&transport=polling", null),
        5,
        "Unsupported protocol version");
  }

  @Test
  void unknownTransport() throws Exception {
    assertError(
        request(HttpMethod.GET, "/socket.io/?EIO=4&transport=carrier-pigeon", null),
        0,
        "Transport unknown");
    assertError(request(HttpMethod.GET, "/socket.io/?EIO=4", null), 0, "Transport unknown");
  }

  @Test
  void badHandshakeMethod() throws Exception {
    assertError(
        request(HttpMethod.PUT, "/socket.io/?EIO=4&transport=polling", "x"),
        2,
        "Bad handshake method");
    assertError(
        request(HttpMethod.POST, "/socket.io/?EIO=4&transport=polling", "40"),
        2,
        "Bad handshake method");
  }

  private static void assertError(Reply reply, int code, String message) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(new JsonObject(reply.body()))
        .isEqualTo(new JsonObject().put("code", code).put("message", message));
  }

  // ---- HTTP helpers ----

  record Reply(int status, String body) {}

  private static String pollingUri(String sid) {
    return "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  }

  private static String pollingHandshake() throws Exception {
    Reply open = request(HttpMethod.GET, "/socket.io/?EIO=4&transport=polling", null);
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.body()).startsWith("0{");
    return new JsonObject(open.body().substring(1)).getString("sid");
  }

  private static Reply request(HttpMethod method, String uri, String body) throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    return send(
        HttpRequest.newBuilder(URI.create(server.url() + uri)).method(method.name(), publisher));
  }

  /** A POST without Content-Length (chunked): the server only learns the size while reading. */
  private static Reply chunkedPost(String uri, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher unknownLength =
        HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes));
    return send(HttpRequest.newBuilder(URI.create(server.url() + uri)).POST(unknownLength));
  }

  private static Reply send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(
            request
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .timeout(java.time.Duration.ofSeconds(TIMEOUT_S))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }
}
