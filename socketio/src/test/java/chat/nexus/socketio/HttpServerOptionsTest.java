package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.TestServer;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What {@link SocketIoServer#httpServerOptions} sets, seen from a raw TCP client. */
class HttpServerOptionsTest {

  private static final long PING_INTERVAL_MS = 300;
  private static final long PING_TIMEOUT_MS = 200;

  /** Generous against the 500 ms idle timeout: the box may be loaded. */
  private static final int WAIT_MS = 8_000;

  private static TestServer server;

  @BeforeAll
  static void start() {
    SocketIoOptions.Builder options = SocketIoOptions.builder();
    options.engine().pingIntervalMs(PING_INTERVAL_MS).pingTimeoutMs(PING_TIMEOUT_MS);
    server = TestServer.start(options.build(), io -> {});
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aConnectionSilentForAHeartbeatPeriodIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(WAIT_MS);
      long started = System.nanoTime();
      assertThat(readAll(socket.getInputStream())).as("closed without a byte").isEmpty();
      assertThat((System.nanoTime() - started) / 1_000_000)
          .isGreaterThanOrEqualTo(PING_INTERVAL_MS + PING_TIMEOUT_MS - 50);
    }
  }

  @Test
  void aWebsocketThatNeverAnswersAPingIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(WAIT_MS);
      socket
          .getOutputStream()
          .write(
              ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Sec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(socket.getInputStream()))
          .as("upgraded, pinged, then closed by the heartbeat")
          .startsWith("HTTP/1.1 101")
          .contains("\"pingInterval\":" + PING_INTERVAL_MS);
    }
  }

  @Test
  void http2CleartextIsNotSpoken() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(WAIT_MS);
      socket
          .getOutputStream()
          .write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // an empty SETTINGS frame, as an HTTP/2 client sends next
      socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      String answer = readAll(socket.getInputStream());
      // Vert.x's HTTP/1.x decoder reads the preface as a request line of version "HTTP/2.0" and
      // refuses it
      assertThat(answer)
          .as("a text refusal, not an HTTP/2 SETTINGS frame")
          .matches("(?s)HTTP/\\S+ [45]\\d\\d .*");
    }
  }

  private static String readAll(InputStream in) throws Exception {
    StringBuilder out = new StringBuilder();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + WAIT_MS + " ms; read so far: " + out);
    } catch (java.net.SocketException e) {
      // a reset is a close too
    }
    return out.toString();
  }
}
