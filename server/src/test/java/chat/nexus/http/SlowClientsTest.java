package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import chat.nexus.testing.Client;
import chat.nexus.testing.LogCapture;
import chat.nexus.testing.ServerCases;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP connections that send nothing, trickle a request head or body, or idle after a response are
 * closed on time (short timeouts set through the environment), while a Socket.IO websocket lives
 * on. The bounds are generous: the box running the tests may be loaded.
 */
class SlowClientsTest extends ServerCases {

  private static final long HEADER_TIMEOUT_MS = 1_000;
  private static final long BODY_TIMEOUT_MS = 1_000;
  private static final long IDLE_TIMEOUT_MS = 1_500;

  /** How long a test waits for a close that should come after about a second. */
  private static final int CLOSE_WITHIN_MS = 8_000;

  /** The pace of a slow client's bytes: each one comes well within the header and body timeouts. */
  private static final long TRICKLE_EVERY_MS = 200;

  /** Longer than every HTTP timeout above. */
  private static final long PAST_THE_HTTP_TIMEOUTS_MS = IDLE_TIMEOUT_MS * 2;

  @Override
  protected Map<String, String> env() {
    return Map.of(
        "HTTP_HEADER_TIMEOUT_MS", String.valueOf(HEADER_TIMEOUT_MS),
        "HTTP_BODY_TIMEOUT_MS", String.valueOf(BODY_TIMEOUT_MS),
        "HTTP_IDLE_TIMEOUT_MS", String.valueOf(IDLE_TIMEOUT_MS));
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket socket = connect()) {
      long started = System.nanoTime();
      assertThat(readUntilClosed(socket)).isEmpty();
      assertThat(elapsedMs(started)).isGreaterThanOrEqualTo(HEADER_TIMEOUT_MS - 100);
    }
  }

  @Test
  void aTrickledRequestHeadIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket socket = connect()) {
      long started = System.nanoTime();
      Thread trickler =
          trickle(
              socket,
              "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n");
      String answer = readUntilClosed(socket);
      trickler.interrupt();
      assertThat(answer).as("no response: the head never completed").isEmpty();
      assertThat(elapsedMs(started)).isLessThan(CLOSE_WITHIN_MS);
    }
  }

  @Test
  void aTrickledBodyIsClosedAtTheBodyTimeoutWithoutAnErrorLine() throws Exception {
    try (LogCapture log = LogCapture.atLeast(Level.WARN);
        Socket socket = connect()) {
      String head =
          "POST /api/auth/guest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      Thread trickler = trickle(socket, "{\"name\":\"" + "b".repeat(380) + "\"}");
      String answer = readUntilClosed(socket);
      trickler.interrupt();
      assertThat(answer).doesNotContain("HTTP/1.1 2");
      assertThat(elapsedMs(started)).isLessThan(CLOSE_WITHIN_MS);
      // the server answers normally meanwhile, and logged nothing about the client that went away
      assertThat(server.rest().get("/health").status()).isEqualTo(200);
      assertThat(log.lines()).isEmpty();
    }
  }

  @Test
  void aKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write(
              "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      String answer = readUntilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat(elapsedMs(started))
          .as("kept alive for the idle timeout")
          .isGreaterThanOrEqualTo(IDLE_TIMEOUT_MS - 100);
    }
  }

  @Test
  void aSocketIoWebsocketOutlivesTheHttpTimeouts() throws Exception {
    Client client = server.connectGuest("patient");
    Thread.sleep(PAST_THE_HTTP_TIMEOUTS_MS); // the point: a websocket idle that long lives on
    JsonObject ack = client.call("room:join", new JsonObject().put("roomId", "lobby"));
    assertThat(ack.getBoolean("ok")).isTrue();
  }

  @Test
  void http2StreamsCannotBeOpenedInCleartext() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS
      assertThat(readUntilClosed(socket))
          .as("an HTTP/1 refusal, no HTTP/2 frames")
          .matches("(?s)HTTP/\\S+ [45]\\d\\d .*");
    }
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(CLOSE_WITHIN_MS);
    return socket;
  }

  /**
   * Writes one byte every {@link #TRICKLE_EVERY_MS} until done, interrupted or the server closes.
   */
  private static Thread trickle(Socket socket, String text) {
    Thread thread =
        new Thread(
            () -> {
              try {
                OutputStream out = socket.getOutputStream();
                for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                  out.write(b);
                  out.flush();
                  Thread.sleep(TRICKLE_EVERY_MS); // the point: a client that sends slowly
                }
              } catch (Exception e) {
                // closed by the server, or the test is over
              }
            },
            "trickler");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Everything the server sends until it closes; fails when it is still open after {@link
   * #CLOSE_WITHIN_MS}.
   */
  private static String readUntilClosed(Socket socket) throws Exception {
    StringBuilder out = new StringBuilder();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the connection is still open after " + CLOSE_WITHIN_MS + " ms; received: " + out);
    } catch (SocketException e) {
      // reset by the server: closed too
    }
    return out.toString();
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
