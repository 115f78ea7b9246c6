package chat.nexus.engineio;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HTTP long-polling. Outbound frames wait in a queue until the client's next GET, which takes them
 * all at once. Touched only on the session's event loop; responses are ended from there (Vert.x
 * hands the write to the response's own connection). The queue counts towards the buffer limit.
 */
final class PollingTransport implements Transport {

  static final String NAME = "polling";
  static final String CONTENT_TYPE = "text/plain; charset=UTF-8";

  private final EngineIoOptions options;
  private final ArrayDeque<OutFrame> queue = new ArrayDeque<>();
  private EngineSocket session;
  private long queuedBytes;
  private HttpServerResponse waiting;
  private boolean paused;
  private boolean closed;

  /** Closed by the server, and the client has not been sent the close packet yet. */
  private boolean closePending;

  private ScheduledFuture<?> closePendingDeadline;

  PollingTransport(EngineIoOptions options) {
    this.options = options;
  }

  /** The session whose frames this transport carries. Call once, before the first send. */
  void bind(EngineSocket session) {
    this.session = session;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EventLoop writeLoop() {
    return session.eventLoop();
  }

  /**
   * Takes a GET: answers it now (queued frames, a noop while upgrading, the last frames or the
   * close packet after a close) or holds it until there are frames. Refused after a close that owes
   * the client nothing.
   */
  @Override
  public Poll poll(HttpServerResponse response) {
    if (closed && !closePending) {
      return Poll.REFUSED;
    }
    if (waiting != null) {
      return Poll.OVERLAPPING;
    }
    if (closePending) {
      respond(response, finalPayload());
      if (!closePending) {
        closePendingDeadline.cancel(false);
        session.forget();
      }
      return Poll.TAKEN;
    }
    response.closeHandler(v -> session.execute(() -> abandoned(response)));
    if (paused) {
      respond(response, OutFrame.control(OutFrame.NOOP, null).pollingForm());
    } else if (!queue.isEmpty()) {
      respond(response, drainPayload());
    } else {
      waiting = response;
    }
    return Poll.TAKEN;
  }

  /** The client went away while its GET waited. */
  private void abandoned(HttpServerResponse response) {
    if (waiting == response) {
      waiting = null;
    }
  }

  /**
   * Any thread. The frames are queued on the session's event loop, or handed back to the session
   * when this transport was replaced meanwhile (an upgrade completed).
   */
  @Override
  public void send(List<OutFrame> frames) {
    session.execute(
        () -> {
          if (closed) {
            session.resend(this, frames);
          } else {
            enqueue(frames);
          }
        });
  }

  private void enqueue(List<OutFrame> frames) {
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
    if (queuedBytes > options.maxBufferedBytes()) {
      session.onOverLimit();
    }
  }

  @Override
  public boolean upgradable() {
    return true;
  }

  /** Upgrade in progress: a waiting GET gets a noop, and so will later ones; frames stay queued. */
  @Override
  public void pauseForUpgrade() {
    paused = true;
    if (waiting != null) {
      HttpServerResponse response = waiting;
      waiting = null;
      respond(response, OutFrame.control(OutFrame.NOOP, null).pollingForm());
    }
  }

  @Override
  public void resumeAfterUpgrade() {
    paused = false;
  }

  /** Hands over what is queued, for the websocket that replaces this transport, and closes. */
  @Override
  public List<OutFrame> handOver() {
    List<OutFrame> frames = new ArrayList<>(queue);
    queue.clear();
    queuedBytes = 0;
    close(false);
    return frames;
  }

  @Override
  public boolean writable() {
    return !closed && !paused && waiting != null;
  }

  @Override
  public boolean overLimit() {
    return queuedBytes > options.maxBufferedBytes();
  }

  /**
   * A close the server chose for a healthy session delivers what was queued and a close packet; a
   * protocol failure answers a waiting GET with the close packet and drops the queue; a client that
   * is gone gets nothing more.
   */
  @Override
  public void close(Ending ending, String detail) {
    switch (ending) {
      case GRACEFUL, SHUTDOWN -> close(true);
      case FAILURE, OVER_LIMIT -> abort();
      case CLIENT_GONE -> close(false);
    }
  }

  /**
   * Ends the transport. With {@code notifyClient} the client still gets what was queued and then a
   * close packet, through the waiting GET or the next ones (see {@link #closePending()}), as the
   * reference server does. Without it, a waiting GET gets a noop and the queue is dropped.
   */
  private void close(boolean notifyClient) {
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
      if (closePending) {
        // The client has not got the close packet yet: the session stays reachable so that its
        // next GETs get the frames sent just before the close (a DISCONNECT, say) and then the
        // close packet, instead of an unknown-sid error that it would take for a transport error
        // (and reconnect). Bounded by a heartbeat period.
        closePendingDeadline =
            session
                .eventLoop()
                .schedule(
                    () -> session.execute(this::dropPendingClose),
                    options.pingIntervalMs() + options.pingTimeoutMs(),
                    TimeUnit.MILLISECONDS);
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
  private void abort() {
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
  @Override
  public boolean closePending() {
    return closePending;
  }

  /** Gives up on delivering the pending close (the client did not poll in time). */
  private void dropPendingClose() {
    closePending = false;
    queue.clear();
    queuedBytes = 0;
    session.forget();
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
