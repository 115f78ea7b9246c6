package chat.nexus.engineio;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A websocket taking a polling session over. The client probes it ("2probe", answered "3probe";
 * polling answers its GETs with noops from then on), then asks for the switch ("5"), and the
 * session carries on over the websocket, starting with what polling still had queued. Any other
 * message on the websocket, its loss, or no switch within upgradeTimeoutMs abandons the upgrade:
 * the websocket is closed and polling carries on. Lives on the session's event loop.
 */
final class Upgrade {

  private final EngineSocket session;
  private final WebSocketTransport candidate;
  private final ScheduledFuture<?> deadline;

  Upgrade(EngineSocket session, WebSocketTransport candidate, long timeoutMs) {
    this.session = session;
    this.candidate = candidate;
    this.deadline = session.eventLoop().schedule(this::abandon, timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Whether {@code ws} is the websocket this upgrade would switch to. */
  boolean carriedBy(WebSocketTransport ws) {
    return ws == candidate;
  }

  /** A text message from the websocket. */
  void onText(String text) {
    if ("2probe".equals(text)) {
      candidate.sendNow(OutFrame.control(OutFrame.PONG, "probe"));
      session.transport().pauseForUpgrade();
    } else if ("5".equals(text) && session.endUpgrade(this)) {
      deadline.cancel(false);
      session.switchTo(candidate);
    } else {
      abandon();
    }
  }

  /** Gives up: the websocket is closed and polling carries on. Does nothing once it is over. */
  void abandon() {
    if (session.endUpgrade(this)) {
      deadline.cancel(false);
      candidate.closeNormally();
      session.transport().resumeAfterUpgrade();
    }
  }

  /** The session closed meanwhile. */
  void cancel() {
    deadline.cancel(false);
    candidate.closeNormally();
  }
}
