package chat.nexus.engineio;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP long-polling. Outbound frames wait in a queue until the client's next GET, which takes them all
 * at once. Touched only on the session's event loop; responses are ended from there (Vert.x hands the
 * write to the response's own connection).
 */
final class PollingTransport implements Transport {

  static final String NAME = "polling";
  static final String CONTENT_TYPE = "text/plain; charset=UTF-8";

  private final ArrayDeque<OutFrame> queue = new ArrayDeque<>();
  private long queuedBytes;
  private HttpServerResponse waiting;
  private boolean paused;
  private boolean closed;

  @Override
  public String name() {
    return NAME;
  }

  /** Takes a GET. Returns false when another GET is already waiting (the client broke the protocol). */
  boolean poll(HttpServerResponse response) {
    if (waiting != null) {
      return false;
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

  @Override
  public void close(boolean notifyClient) {
    if (closed) {
      return;
    }
    closed = true;
    if (waiting != null) {
      HttpServerResponse response = waiting;
      waiting = null;
      respond(response, OutFrame.control(notifyClient ? OutFrame.CLOSE : OutFrame.NOOP, null).pollingForm());
    }
    queue.clear();
    queuedBytes = 0;
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
