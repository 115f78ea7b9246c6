package chat.nexus.socketio.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare websocket client that speaks Engine.IO / Socket.IO text by hand, for tests that send what
 * the official clients never would. It answers pings by itself. Messages arrive as String (text) or
 * Buffer (binary); {@link #CLOSED} marks the end of the connection.
 */
public final class RawSocketIoClient implements AutoCloseable {

  /** What {@link #next(long)} returns once the connection is closed. */
  public static final Object CLOSED =
      new Object() {
        @Override
        public String toString() {
          return "CLOSED";
        }
      };

  private static final long TIMEOUT_MS = 10_000;

  private final ClientWebSocket ws;
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private RawSocketIoClient(ClientWebSocket ws) {
    this.ws = ws;
    // Handlers are set before connecting, so that not even the open packet can be missed.
    ws.textMessageHandler(
        text -> {
          if ("2".equals(text)) {
            ws.writeTextMessage("3");
          } else {
            inbox.add(text);
          }
        });
    ws.binaryMessageHandler(inbox::add);
    ws.closeHandler(
        v -> {
          closed.complete(ws.closeStatusCode());
          inbox.add(CLOSED);
        });
    ws.exceptionHandler(e -> {});
  }

  /**
   * Opens a websocket session at /socket.io/ and, with {@code joinMain}, joins the main namespace.
   */
  public static RawSocketIoClient connect(WebSocketClient client, int port, boolean joinMain)
      throws Exception {
    RawSocketIoClient raw = new RawSocketIoClient(client.webSocket());
    raw.ws
        .connect(port, "127.0.0.1", "/socket.io/?EIO=4&transport=websocket")
        .await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    String open = raw.nextText();
    if (!open.startsWith("0{\"sid\":")) {
      throw new AssertionError("expected an open packet, got " + open);
    }
    if (joinMain) {
      raw.sendText("40");
      String connected = raw.nextText();
      if (!connected.startsWith("40{\"sid\":")) {
        throw new AssertionError("expected a CONNECT ack, got " + connected);
      }
    }
    return raw;
  }

  public void sendText(String text) {
    if (!closed.isDone()) {
      ws.writeTextMessage(text);
    }
  }

  public void sendBinary(Buffer binary) {
    if (!closed.isDone()) {
      ws.writeBinaryMessage(binary);
    }
  }

  /** The next message, {@link #CLOSED} (again and again) once closed, or null after {@code ms}. */
  public Object next(long ms) throws InterruptedException {
    Object message = inbox.poll(ms, TimeUnit.MILLISECONDS);
    if (message == CLOSED) {
      inbox.add(CLOSED);
    }
    return message;
  }

  /** The next message, which must be text. */
  public String nextText() throws InterruptedException {
    Object message = next(TIMEOUT_MS);
    if (!(message instanceof String text)) {
      throw new AssertionError("expected a text message, got " + message);
    }
    return text;
  }

  /** Sends "echo" and waits for "echo-back" with the same string, skipping other messages. */
  public boolean echoes(String value, long ms) throws InterruptedException {
    String expected = "42[\"echo-back\",\"" + value + "\"]";
    sendText("42[\"echo\",\"" + value + "\"]");
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Object message = next(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      if (message == null || message == CLOSED) {
        return false;
      }
      if (expected.equals(message)) {
        return true;
      }
    }
  }

  /** Like {@link #echoes} but fails with a message. */
  public void assertEchoes(String value) throws InterruptedException {
    if (!echoes(value, TIMEOUT_MS)) {
      throw new AssertionError(
          "no echo-back for " + value + (isClosed() ? " (connection closed)" : ""));
    }
  }

  /** Waits until the server closed the connection; false after {@code ms}. */
  public boolean awaitClose(long ms) {
    try {
      closed.get(ms, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** The websocket close status the server sent, or null. */
  public Short closeStatus() {
    return closed.getNow(null);
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close();
    }
  }
}
