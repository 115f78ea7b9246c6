package chat.nexus.engineio;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP long-polling. Outbound frames wait in a queue until the client's next GET, which takes them
 * all at once. Touched only on the session's event loop; responses are ended from there (Vert.x
 * hands the write to the response's own connection).
 */
final class PollingTransport implements Transport {

  static final String NAME = "polling";
  static final String CONTENT_TYPE = "text/plain; charset=UTF-8";

  private final ArrayDeque<OutFrame> queue = new ArrayDeque<>();
  private long queuedBytes;
  private HttpServerResponse waiting;
  private boolean paused;
  private boolean closed;

  /** Closed by the server, and the client has not been sent the close packet yet. */
  private boolean closePending;

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Takes a GET. Returns false when another GET is already waiting (the client broke the protocol).
   */
  boolean poll(HttpServerResponse response) {
    if (waiting != null) {
      return false;
    }
    if (closePending) {
      respond(response, finalPayload());
      return true;
    }
    if (closed) {
      respond(response, OutFrame.control(OutFrame.NOOP, null).pollingForm());
      return true;
    }
    if (paused) {
      respond(response, OutFrame.control(OutFrame.NOOP, null).pollingForm());
      return true;
    }
    if (!queue.isEmpty()) {
      respond(response, drainPayload());
      return true;
    }
    waiting = response;
    return true;
  }

  /** Whether a GET is waiting for frames. */
  boolean isWaiting() {
    return waiting != null;
  }

  /** The client went away while its GET waited. */
  void abandoned(HttpServerResponse response) {
    if (waiting == response) {
      waiting = null;
    }
  }

  @Override
  public void send(List<OutFrame> frames) {
    if (closed) {
      return;
    }
    for (OutFrame frame : frames) {
      queue.add(frame);
      queuedBytes += frame.size();
    }
    if (waiting != null && waiting.closed()) {
      waiting = null;
    }
    if (waiting != null && !paused) {
      HttpServerResponse response = waiting;
      waiting = null;
      respond(response, drainPayload());
    }
  }

  /** Upgrade in progress: a waiting GET gets a noop, and so will later ones; frames stay queued. */
  void pause() {
    paused = true;
    if (waiting != null) {
      HttpServerResponse response = waiting;
      waiting = null;
      respond(response, OutFrame.control(OutFrame.NOOP, null).pollingForm());
    }
  }

  /** The upgrade was abandoned: back to normal polling. */
  void resume() {
    paused = false;
  }

  /** Hands over what is queued, for the websocket that replaces this transport. */
  List<OutFrame> drain() {
    List<OutFrame> frames = new ArrayList<>(queue);
    queue.clear();
    queuedBytes = 0;
    return frames;
  }

  @Override
  public boolean writable() {
    return !closed && !paused && waiting != null;
  }

  @Override
  public long bufferedBytes() {
    return queuedBytes;
  }

  /**
   * Ends the transport. With {@code notifyClient} the client still gets what was queued and then a
   * close packet, through the waiting GET or the next ones (see {@link #closePending()}), as the
   * reference server does. Without it, a waiting GET gets a noop and the queue is dropped.
   */
  @Override
  public void close(boolean notifyClient) {
    if (closed) {
      return;
    }
    closed = true;
    if (notifyClient) {
      closePending = true;
      if (waiting != null) {
        HttpServerResponse response = waiting;
        waiting = null;
        respond(response, finalPayload());
      }
      return;
    }
    if (waiting != null) {
      HttpServerResponse response = waiting;
      waiting = null;
      respond(response, OutFrame.control(OutFrame.NOOP, null).pollingForm());
    }
    queue.clear();
    queuedBytes = 0;
  }

  /**
   * Ends the transport after a protocol failure (ping timeout, bad packet, overlapping polls): a
   * waiting GET gets the close packet, what was queued is dropped, and the session is gone for
   * later requests.
   */
  void abort() {
    if (closed) {
      return;
    }
    closed = true;
    if (waiting != null) {
      HttpServerResponse response = waiting;
      waiting = null;
      respond(response, OutFrame.control(OutFrame.CLOSE, null).pollingForm());
    }
    queue.clear();
    queuedBytes = 0;
  }

  /** Whether the close packet (after the queued frames) still waits for the client's next GET. */
  boolean closePending() {
    return closePending;
  }

  /** Gives up on delivering the pending close (the client did not poll in time). */
  void dropPendingClose() {
    closePending = false;
    queue.clear();
    queuedBytes = 0;
  }

  /**
   * After a close: what is queued, else the close packet. Never both in one payload: the official
   * client acts on a close packet at once but hands the messages before it to Socket.IO on the next
   * tick, so a DISCONNECT sharing a payload with the close would be lost ("transport close" instead
   * of "io server disconnect"). The reference server also sends the close packet in a later
   * response.
   */
  private String finalPayload() {
    if (!queue.isEmpty()) {
      return drainPayload();
    }
    closePending = false;
    return OutFrame.control(OutFrame.CLOSE, null).pollingForm();
  }

  private String drainPayload() {
    String payload = EngineCodec.encodePayload(new ArrayList<>(queue));
    queue.clear();
    queuedBytes = 0;
    return payload;
  }

  private static void respond(HttpServerResponse response, String payload) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(payload);
  }
}
