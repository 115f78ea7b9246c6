package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Connection caps over real TCP: one address may hold MAX_CONNECTIONS_PER_ADDRESS (another address
 * is not affected), and past the node's MAX_CONNECTIONS a new connection still gets /health and
 * /ready but a 503 for anything else. Two client addresses on one machine: 127.0.0.1 and 127.0.0.2
 * (Linux routes 127/8 to lo).
 */
class ConnectionCapsTest {

  private static final int PER_ADDRESS = 5;
  private static final int NODE_CAP = 4;
  private static final int WAIT_MS = 8_000;

  @Test
  void oneAddressIsCappedWhileAnotherStillConnects() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (TestServer server =
        TestServer.start(
            Backend.H2, Map.of("MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(PER_ADDRESS)))) {
      for (int i = 0; i < PER_ADDRESS; i++) {
        held.add(connect(server, "127.0.0.1"));
      }
      for (Socket socket : held) {
        assertThat(get(socket, "/health")).as("within the cap").startsWith("HTTP/1.1 200");
      }
      try (Socket over = connect(server, "127.0.0.1")) {
        assertThat(readUntilClosed(over)).as("closed at once, before any request").isEmpty();
      }
      try (Socket other = connect(server, "127.0.0.2")) {
        assertThat(get(other, "/health")).startsWith("HTTP/1.1 200");
      }
      held.remove(0).close();
      assertThat(slotFrees(server)).as("a slot frees when a connection closes").isTrue();
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void upgradedWebsocketsCountUntilTheyClose() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (TestServer server =
        TestServer.start(
            Backend.H2, Map.of("MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(PER_ADDRESS)))) {
      for (int i = 0; i < PER_ADDRESS; i++) {
        Socket socket = connect(server, "127.0.0.1");
        held.add(socket);
        assertThat(upgrade(socket)).startsWith("HTTP/1.1 101");
      }
      try (Socket over = connect(server, "127.0.0.1")) {
        assertThat(readUntilClosed(over)).as("websockets count towards the cap").isEmpty();
      }
      held.remove(0).close();
      assertThat(slotFrees(server)).as("a slot frees when a websocket closes").isTrue();
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void pastTheNodeCapOnlyTheHealthChecksAreAnswered() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (TestServer server =
        TestServer.start(Backend.H2, Map.of("MAX_CONNECTIONS", String.valueOf(NODE_CAP)))) {
      for (int i = 0; i < NODE_CAP; i++) {
        held.add(connect(server, "127.0.0.1"));
      }
      try (Socket health = connect(server, "127.0.0.2")) {
        assertThat(get(health, "/health")).startsWith("HTTP/1.1 200");
      }
      try (Socket ready = connect(server, "127.0.0.2")) {
        assertThat(get(ready, "/ready")).startsWith("HTTP/1.1 200");
      }
      try (Socket api = connect(server, "127.0.0.2")) {
        String answer = readAll(api, "GET /api/characters HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1");
        JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(body.getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");
      }
      held.forEach(ConnectionCapsTest::closeQuietly);
      held.clear();
      assertThat(
              eventually(
                  () -> {
                    try (Socket api = connect(server, "127.0.0.2")) {
                      return readAll(
                              api,
                              "GET /api/characters HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                          .startsWith("HTTP/1.1 200");
                    }
                  }))
          .as("below the cap again")
          .isTrue();
    } finally {
      held.forEach(ConnectionCapsTest::closeQuietly);
    }
  }

  @Test
  void unfinishedBodiesOfOneAddressAreCappedInBytes() throws Exception {
    int part =
        500_000; // of a 512 KB body: each waits for the rest, buffered, as long as it trickles in
    int bodies = (int) (ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS / part) + 3;
    List<Socket> held = new ArrayList<>();
    try (TestServer server =
        TestServer.start(Backend.H2, Map.of("MAX_CONNECTIONS_PER_ADDRESS", "1000"))) {
      byte[] head =
          ("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + (512 * 1024)
                  + "\r\n\r\n{\"username\":\"")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] filler = "a".repeat(part).getBytes(StandardCharsets.US_ASCII);
      Set<Socket> closed = new HashSet<>();
      for (int i = 0; i < bodies; i++) {
        Socket socket = connect(server, "127.0.0.1");
        held.add(socket);
        try {
          socket.getOutputStream().write(head);
          socket.getOutputStream().write(filler);
        } catch (SocketException e) {
          closed.add(socket); // closed by the server while we wrote: that is the cap at work
          break;
        }
      }
      // Which bodies cross the cap depends on the order the event loops read them, but however
      // they interleave, the ones left open must fit under it together.
      long fitting = ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS / part;
      long mustClose = held.size() - fitting;
      assertThat(
              Waits.within(
                  Duration.ofMillis(WAIT_MS),
                  () -> {
                    for (Socket socket : held) {
                      if (!closed.contains(socket) && closedByServer(socket)) {
                        closed.add(socket);
                      }
                    }
                    return closed.size() >= mustClose;
                  },
                  "the bodies over the cap to be closed"))
          .as("bodies closed of %d, of which %d fit under the cap", held.size(), fitting)
          .isTrue();
      try (Socket other = connect(server, "127.0.0.2")) {
        assertThat(get(other, "/health")).startsWith("HTTP/1.1 200");
      }
    } finally {
      held.forEach(ConnectionCapsTest::closeQuietly);
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean eventually(Check check) {
    return Waits.within(
        Duration.ofMillis(WAIT_MS),
        () -> {
          try {
            return check.ok();
          } catch (java.io.IOException e) {
            // refused (closed or reset) while the server has not counted the old connection out
            return false;
          }
        },
        "a connection to be served");
  }

  /** Whether 127.0.0.1 gets /health again within the wait, once one of its connections closed. */
  private static boolean slotFrees(TestServer server) throws Exception {
    return eventually(
        () -> {
          try (Socket again = connect(server, "127.0.0.1")) {
            return get(again, "/health").startsWith("HTTP/1.1 200");
          }
        });
  }

  private static Socket connect(TestServer server, String from) throws Exception {
    Socket socket =
        new Socket(
            InetAddress.getByName("127.0.0.1"), server.port(), InetAddress.getByName(from), 0);
    socket.setSoTimeout(WAIT_MS);
    return socket;
  }

  /** One keep-alive GET: the status line and headers (the connection stays open). */
  private static String get(Socket socket, String path) throws Exception {
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    byte[] buffer = new byte[8192];
    int n = socket.getInputStream().read(buffer);
    return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** An Engine.IO websocket opened straight away: the status line and headers of the answer. */
  private static String upgrade(Socket socket) throws Exception {
    socket
        .getOutputStream()
        .write(
            ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    byte[] buffer = new byte[8192];
    int n = socket.getInputStream().read(buffer);
    return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
  }

  private static String readAll(Socket socket, String request) throws Exception {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return readUntilClosed(socket);
  }

  private static String readUntilClosed(Socket socket) throws Exception {
    StringBuilder out = new StringBuilder();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + WAIT_MS + " ms; received: " + out);
    } catch (SocketException e) {
      // reset: closed too
    }
    return out.toString();
  }

  /** Whether the server closed the socket: end of stream or a reset within a short look. */
  private static boolean closedByServer(Socket socket) {
    try {
      socket.setSoTimeout(20);
      byte[] buffer = new byte[8192];
      for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
        // nothing is answered to an unfinished body; read on to the end
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException e) {
      return true; // reset
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
