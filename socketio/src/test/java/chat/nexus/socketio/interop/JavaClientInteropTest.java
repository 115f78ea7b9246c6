package chat.nexus.socketio.interop;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.InteropApp;
import chat.nexus.socketio.testing.TestServer;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Java client (io.socket:socket.io-client 2.1.2, Socket.IO v5 / Engine.IO v4) against
 * {@link InteropApp}.
 */
class JavaClientInteropTest {

  private static final long TIMEOUT_S = 10;
  private static TestServer server;

  private final List<Socket> clients = new CopyOnWriteArrayList<>();
  private final List<OkHttpClient> httpClients = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    server = InteropApp.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(Socket::close);
    httpClients.forEach(http -> http.dispatcher().executorService().shutdown());
  }

  // ---- transports ----

  @Test
  void websocketOnly() throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {"websocket"});
    JSONObject welcome = c.welcome();
    assertThat(welcome.getString("transport")).isEqualTo("websocket");
    assertThat(welcome.getBoolean("recovered")).isFalse();
    assertThat(welcome.getString("id")).isEqualTo(c.socket.id());
    assertEcho(c);
  }

  @Test
  void pollingOnly() throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {"polling"});
    assertThat(c.welcome().getString("transport")).isEqualTo("polling");
    assertEcho(c);
    // a burst, so that several packets share a polling payload both ways
    for (int i = 0; i < 50; i++) {
      c.socket.emit("echo", i);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(c.next("echo-back")).containsExactly(i);
    }
    assertThat(serverTransport(c.socket.id())).isEqualTo("polling");
  }

  @Test
  void pollingUpgradesToWebsocket() throws Exception {
    CompletableFuture<String> upgraded = new CompletableFuture<>();
    Client c =
        connect(
            "/",
            opts -> {},
            socket ->
                socket
                    .io()
                    .on(
                        Manager.EVENT_OPEN,
                        args -> {
                          // Runs on the client's event thread before the probe starts, so no
                          // upgrade is missed.
                          engineOf(socket.io())
                              .on(
                                  io.socket.engineio.client.Socket.EVENT_UPGRADE,
                                  upgrade -> upgraded.complete("upgrade"));
                        }));
    assertThat(c.welcome().getString("transport")).isEqualTo("polling");
    assertThat(upgraded.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("upgrade");
    assertEcho(c); // after the upgrade packet, on the websocket
    assertThat(serverTransport(c.socket.id())).isEqualTo("websocket");
  }

  // ---- acks ----

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling"})
  void clientAckCallback(String transport) throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {transport});
    c.welcome();
    CompletableFuture<Object[]> ack = new CompletableFuture<>();
    c.socket.emit("ack-me", new Object[] {"a", 2, new JSONObject().put("k", "v")}, ack::complete);
    Object[] args = ack.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(args).hasSize(3);
    assertThat(args[0]).isEqualTo("a");
    assertThat(args[1]).isEqualTo(2);
    assertThat(((JSONObject) args[2]).getString("k")).isEqualTo("v");
  }

  @Test
  void serverAsksAndClientAcks() throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {"websocket"});
    c.welcome();
    c.socket.on(
        "question",
        args -> {
          assertThat(args[0]).isEqualTo("life");
          ((Ack) args[args.length - 1]).call(42, "forty-two");
        });
    c.socket.emit("ask-me", "life");
    assertThat(c.next("answer")).containsExactly(42, "forty-two");
  }

  @Test
  void serverAckTimesOutWhenTheClientDoesNotAnswer() throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {"websocket"});
    c.welcome();
    c.socket.on("question", args -> {}); // never acks
    c.socket.emit("ask-me", "silence");
    assertThat((String) c.next("answer-timeout")[0]).contains("timed out");
  }

  // ---- rooms ----

  @Test
  void rooms() throws Exception {
    Client a = connect("/", opts -> opts.transports = new String[] {"websocket"});
    Client b = connect("/", opts -> opts.transports = new String[] {"polling"});
    a.welcome();
    b.welcome();
    assertThat(a.call("join", "r1")).containsExactly("joined", "r1");
    assertThat(b.call("join", "r1")).containsExactly("joined", "r1");

    assertThat(a.call("to-room", "r1", "m1")).containsExactly("sent");
    assertThat(a.next("room-msg")).containsExactly("m1");
    assertThat(b.next("room-msg")).containsExactly("m1");

    assertThat(a.call("broadcast-except-me", "r1", "m2")).containsExactly("sent");
    assertThat(b.next("room-msg")).containsExactly("m2");
    // a must not get m2: the next thing it gets in that room is m3
    assertThat(a.call("to-room", "r1", "m3")).containsExactly("sent");
    assertThat(a.next("room-msg")).containsExactly("m3");
    assertThat(b.next("room-msg")).containsExactly("m3");

    assertThat(b.call("leave", "r1")).containsExactly("left", "r1");
    assertThat(b.call("join", "marker")).containsExactly("joined", "marker");
    assertThat(a.call("to-room", "r1", "m4")).containsExactly("sent");
    assertThat(a.call("to-room", "marker", "end")).containsExactly("sent");
    assertThat(a.next("room-msg")).containsExactly("m4");
    // b left r1: it gets the marker and not m4
    assertThat(b.next("room-msg")).containsExactly("end");
  }

  // ---- binary ----

  @Test
  void binaryOverWebsocket() throws Exception {
    assertBinaryEchoAndAck("websocket");
  }

  /**
   * engine.io-client-java 2.1.0 base64-encodes polling binaries with android-style Base64.DEFAULT:
   * a line break every 76 characters and one at the end ("bAQI=\n"). The reference server decodes
   * base64 leniently (Node's Buffer.from ignores whitespace); see
   * EngineCodecTest#base64WithLineBreaks.
   */
  @Test
  void binaryOverPolling() throws Exception {
    assertBinaryEchoAndAck("polling");
  }

  private void assertBinaryEchoAndAck(String transport) throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {transport});
    c.welcome();
    byte[] first = {0, 1, 2, (byte) 0xff, (byte) 0x80, 0x1e};
    byte[] second = new byte[3000];
    for (int i = 0; i < second.length; i++) {
      second[i] = (byte) i;
    }
    JSONObject nested =
        new JSONObject()
            .put("name", "pics")
            .put("data", second)
            .put("list", new JSONArray().put("x").put(new byte[] {7}));
    c.socket.emit("echo", first, nested, "text");
    Object[] echoed = c.next("echo-back");
    assertThat(echoed).hasSize(3);
    assertThat((byte[]) echoed[0]).isEqualTo(first);
    JSONObject back = (JSONObject) echoed[1];
    assertThat(back.getString("name")).isEqualTo("pics");
    assertThat((byte[]) back.get("data")).isEqualTo(second);
    assertThat(back.getJSONArray("list").getString(0)).isEqualTo("x");
    assertThat((byte[]) back.getJSONArray("list").get(1)).isEqualTo(new byte[] {7});
    assertThat(echoed[2]).isEqualTo("text");

    // binary in an ack, both ways
    CompletableFuture<Object[]> ack = new CompletableFuture<>();
    c.socket.emit("ack-me", new Object[] {new byte[] {4, 5}}, ack::complete);
    assertThat((byte[]) ack.get(TIMEOUT_S, TimeUnit.SECONDS)[0]).isEqualTo(new byte[] {4, 5});
  }

  /**
   * InteropApp relays event.arg(1); Event.arg goes through JsonArray.getValue, which turns a Buffer
   * into base64.
   */
  @Test
  void binaryToARoom() throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {"websocket"});
    c.welcome();
    c.call("join", "bin-room");
    c.call("to-room", "bin-room", new byte[] {1, 2, 3});
    Object got = c.next("room-msg")[0];
    assertThat(got).as("room-msg arrives as binary, not as %s", got).isInstanceOf(byte[].class);
    assertThat((byte[]) got).isEqualTo(new byte[] {1, 2, 3});
  }

  // ---- namespaces and auth ----

  @Test
  void adminNamespaceAccepted() throws Exception {
    Client c = connect("/admin", opts -> opts.auth = Map.of("role", "admin"));
    assertThat(c.welcome().getString("namespace")).isEqualTo("/admin");
    assertEcho(c);
  }

  @Test
  void adminNamespaceRefused() throws Exception {
    JSONObject error = connectError("/admin", opts -> opts.auth = Map.of("role", "user"));
    assertThat(error.getString("message")).isEqualTo("forbidden");
    assertThat(error.has("data")).isFalse();
  }

  @Test
  void dynamicNamespace() throws Exception {
    Client c = connect("/dyn-7", opts -> {});
    assertThat(c.welcome().getString("namespace")).isEqualTo("/dyn-7");
    assertEcho(c);
  }

  @Test
  void unknownNamespace() throws Exception {
    assertThat(connectError("/nope", opts -> {}).getString("message"))
        .isEqualTo("Invalid namespace");
  }

  @Test
  void authAccepted() throws Exception {
    Client c = connect("/", opts -> opts.auth = Map.of("token", "good"));
    JSONObject auth = c.welcome().getJSONObject("auth");
    assertThat(auth.getString("token")).isEqualTo("good");
    assertThat(auth.length()).isEqualTo(1);
  }

  @Test
  void authRejected() throws Exception {
    JSONObject error = connectError("/", opts -> opts.auth = Map.of("token", "bad"));
    assertThat(error.getString("message")).isEqualTo("unauthorized");
    assertThat(error.getJSONObject("data").getString("reason")).isEqualTo("bad token");
  }

  // ---- disconnections ----

  /**
   * The 2.1.2 client does not implement connection state recovery: its CONNECT carries only the
   * auth map (no pid/offset, see io.socket.client.Socket#onopen), so after a dropped transport it
   * reconnects with a fresh session: a new id, recovered=false, no rooms. The server side keeps the
   * session for recovery but nothing asks for it.
   */
  @Test
  void droppedTransportReconnectsWithAFreshSession() throws Exception {
    ControlledTransports.WebSockets sockets = new ControlledTransports.WebSockets();
    Client c =
        connect(
            "/",
            opts -> {
              opts.transports = new String[] {"websocket"};
              opts.webSocketFactory = sockets;
            });
    String firstId = c.welcome().getString("id");
    c.call("join", "kept?");
    CompletableFuture<Object[]> disconnected = c.once(Socket.EVENT_DISCONNECT);

    sockets.last().cancel(); // the TCP connection goes away without a close frame

    assertThat((String) disconnected.get(TIMEOUT_S, TimeUnit.SECONDS)[0])
        .isEqualTo("transport error");
    JSONObject again = c.welcome();
    assertThat(again.getBoolean("recovered")).isFalse();
    assertThat(again.getString("id")).isNotEqualTo(firstId).isEqualTo(c.socket.id());
    assertThat(again.getJSONObject("auth").has("pid")).isFalse();
    assertThat(c.call("last-reason", firstId)[0]).isIn("transport close", "transport error");
    // the fresh session is in no room
    c.call("to-room", "kept?", "lost");
    c.call("join", "probe");
    c.call("to-room", "probe", "here");
    assertThat(c.next("room-msg")).containsExactly("here");
  }

  @Test
  void pingTimeoutOverWebsocketThenReconnect() throws Exception {
    ControlledTransports.WebSockets sockets = new ControlledTransports.WebSockets();
    Client c =
        connect(
            "/",
            opts -> {
              opts.transports = new String[] {"websocket"};
              opts.webSocketFactory = sockets;
            });
    assertPingTimeoutAndReconnect(
        c,
        () -> sockets.dropPongs = true,
        () -> sockets.dropPongs = false,
        sockets.droppedPongs::get);
  }

  @Test
  void pingTimeoutOverPollingThenReconnect() throws Exception {
    ControlledTransports.PongDroppingHttp http = new ControlledTransports.PongDroppingHttp();
    httpClients.add(http.client);
    Client c =
        connect(
            "/",
            opts -> {
              opts.transports = new String[] {"polling"};
              opts.callFactory = http.client;
            });
    assertPingTimeoutAndReconnect(
        c, () -> http.dropPongs = true, () -> http.dropPongs = false, http.droppedPongs::get);
  }

  private void assertPingTimeoutAndReconnect(
      Client c,
      Runnable startDropping,
      Runnable stopDropping,
      java.util.function.IntSupplier dropped)
      throws Exception {
    String firstId = c.welcome().getString("id");
    CompletableFuture<Object[]> disconnected = new CompletableFuture<>();
    c.socket.once(
        Socket.EVENT_DISCONNECT,
        args -> {
          stopDropping.run(); // on the client's event thread, before it reconnects
          disconnected.complete(args);
        });
    startDropping.run();
    // the server closes after pingInterval + pingTimeout (0.8 s); the client's own limit is the
    // same
    assertThat((String) disconnected.get(TIMEOUT_S, TimeUnit.SECONDS)[0])
        .isIn("transport close", "ping timeout");
    assertThat(dropped.getAsInt()).isPositive();
    JSONObject again = c.welcome();
    assertThat(again.getString("id")).isNotEqualTo(firstId);
    assertThat(c.call("last-reason", firstId)).containsExactly("ping timeout");
    assertEcho(c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"disconnect-me", "close-me"})
  void serverDisconnectIsNotFollowedByAReconnection(String event) throws Exception {
    Client c = connect("/", opts -> opts.transports = new String[] {"websocket"});
    String id = c.welcome().getString("id");
    CompletableFuture<Object[]> disconnected = c.once(Socket.EVENT_DISCONNECT);
    CompletableFuture<Object[]> reconnected = new CompletableFuture<>();
    disconnected.thenRun(() -> c.socket.on(Socket.EVENT_CONNECT, reconnected::complete));
    c.socket.emit(event);
    assertThat((String) disconnected.get(TIMEOUT_S, TimeUnit.SECONDS)[0])
        .isEqualTo("io server disconnect");
    assertThat(c.socket.connected()).isFalse();

    Client other = connect("/", opts -> opts.transports = new String[] {"websocket"});
    other.welcome();
    // the reference server says "server namespace disconnect" for disconnect(true) too
    assertThat(other.call("last-reason", id)[0])
        .isIn("server namespace disconnect", "forced server close");
    // With a reconnection delay of 100-300 ms, a client that meant to reconnect would have done so
    // by now.
    assertThat(reconnected).as("reconnected after a server disconnect").isNotCompleted();
    assertThat(c.welcomes.poll(1_500, TimeUnit.MILLISECONDS)).isNull();
    assertThat(reconnected).isNotCompleted();
  }

  // ---- helpers ----

  private void assertEcho(Client c) throws Exception {
    c.socket.emit(
        "echo",
        "hello",
        1,
        2.5,
        true,
        JSONObject.NULL,
        new JSONObject().put("k", new JSONArray().put(1)));
    Object[] args = c.next("echo-back");
    assertThat(args).hasSize(6);
    assertThat(args[0]).isEqualTo("hello");
    assertThat(args[1]).isEqualTo(1);
    assertThat(((Number) args[2]).doubleValue()).isEqualTo(2.5);
    assertThat(args[3]).isEqualTo(true);
    assertThat(args[4]).isNull();
    assertThat(((JSONObject) args[5]).getJSONArray("k").getInt(0)).isEqualTo(1);
  }

  private String serverTransport(String socketId) {
    chat.nexus.socketio.Socket socket = server.io().sockets().socket(socketId);
    assertThat(socket).as("server-side socket %s", socketId).isNotNull();
    return socket.transport();
  }

  private static io.socket.engineio.client.Socket engineOf(Manager manager) {
    try {
      Field field = Manager.class.getDeclaredField("engine");
      field.setAccessible(true);
      return (io.socket.engineio.client.Socket) field.get(manager);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("io.socket.client.Manager has no 'engine' field any more", e);
    }
  }

  private Client connect(String namespace, Consumer<IO.Options> config) throws Exception {
    return connect(namespace, config, socket -> {});
  }

  /** A connected client; {@code beforeConnect} may add listeners before the connection starts. */
  private Client connect(
      String namespace, Consumer<IO.Options> config, Consumer<Socket> beforeConnect)
      throws Exception {
    Client c = newClient(namespace, config);
    beforeConnect.accept(c.socket);
    CompletableFuture<Object[]> connected = c.once(Socket.EVENT_CONNECT);
    CompletableFuture<Object[]> failed = c.once(Socket.EVENT_CONNECT_ERROR);
    c.socket.connect();
    CompletableFuture.anyOf(connected, failed).get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(failed)
        .as("connect_error %s", failed.getNow(null) == null ? "" : failed.getNow(null)[0])
        .isNotDone();
    return c;
  }

  private JSONObject connectError(String namespace, Consumer<IO.Options> config) throws Exception {
    Client c = newClient(namespace, config);
    CompletableFuture<Object[]> connected = c.once(Socket.EVENT_CONNECT);
    CompletableFuture<Object[]> failed = c.once(Socket.EVENT_CONNECT_ERROR);
    c.socket.connect();
    Object[] args = failed.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(connected).isNotDone();
    assertThat(args[0]).isInstanceOf(JSONObject.class);
    return (JSONObject) args[0];
  }

  private Client newClient(String namespace, Consumer<IO.Options> config) {
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.reconnectionDelay = 100;
    opts.reconnectionDelayMax = 300;
    opts.timeout = 5_000;
    config.accept(opts);
    Socket socket = IO.socket(URI.create(server.url() + namespace), opts);
    clients.add(socket);
    return new Client(socket);
  }

  /** A client socket with queues for the events the tests read. */
  private static final class Client {
    final Socket socket;
    final BlockingQueue<JSONObject> welcomes = new LinkedBlockingQueue<>();
    private final Map<String, BlockingQueue<Object[]>> events =
        new java.util.concurrent.ConcurrentHashMap<>();

    Client(Socket socket) {
      this.socket = socket;
      socket.on("welcome", args -> welcomes.add((JSONObject) args[0]));
      for (String event : List.of("echo-back", "room-msg", "answer", "answer-timeout")) {
        BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        events.put(event, queue);
        socket.on(event, queue::add);
      }
    }

    JSONObject welcome() throws InterruptedException {
      JSONObject welcome = welcomes.poll(TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(welcome).as("welcome").isNotNull();
      return welcome;
    }

    /**
     * The next arguments of that event, without the offset. With connection state recovery on, the
     * server appends each event's offset as a last, string argument (as the reference server does,
     * "the format is backward-compatible"); the 2.1.2 client knows nothing of it and hands it to
     * listeners.
     */
    Object[] next(String event) throws InterruptedException {
      Object[] args = events.get(event).poll(TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(args).as("event %s", event).isNotNull();
      assertThat(args).as("event %s ends with its offset", event).isNotEmpty();
      assertThat(args[args.length - 1]).as("offset of %s", event).isInstanceOf(String.class);
      return java.util.Arrays.copyOf(args, args.length - 1);
    }

    CompletableFuture<Object[]> once(String event) {
      CompletableFuture<Object[]> future = new CompletableFuture<>();
      socket.once(event, future::complete);
      return future;
    }

    /** Emits with an ack and waits for it. */
    Object[] call(String event, Object... args) throws Exception {
      CompletableFuture<Object[]> ack = new CompletableFuture<>();
      socket.emit(event, args, ack::complete);
      return ack.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }
}
