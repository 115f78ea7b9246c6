package chat.nexus.engineio;

import io.netty.channel.EventLoop;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Set;

/**
 * One way of carrying a session's packets: a websocket, or HTTP long-polling requests. The session
 * knows only this interface; what differs between the two (which thread writes, how the client is
 * told of a close, what "over the buffer limit" means, the polling requests and the upgrade away
 * from polling) is decided here. The defaults are those of a transport that takes no polling
 * requests and is never upgraded away from.
 */
interface Transport {

  /** "websocket" or "polling", as in the query string. */
  String name();

  /** The event loop that writes to the client: where a broadcast should hand it frames. */
  EventLoop writeLoop();

  /** Sends frames in order. Any thread; the transport hops to where it writes. */
  void send(List<OutFrame> frames);

  /** Sends one frame; on the write loop this writes straight away. */
  default void send(OutFrame frame) {
    send(List.of(frame));
  }

  /** Whether a frame sent now would go out without waiting (used to drop volatile packets). */
  boolean writable();

  /**
   * Whether the client is still behind by more than the per-connection buffer limit; asked on the
   * session's event loop once the grace period after the transport reported going over has passed.
   */
  boolean overLimit();

  /**
   * Ends the transport; {@code ending} decides what the client is told. {@code detail} is a reason
   * the client may be shown ({@link Ending#OVER_LIMIT}); null otherwise. Session's event loop.
   */
  void close(Ending ending, String detail);

  /** Why the server ends a transport, which decides what the client is told. */
  enum Ending {
    /** The client closed or left, or its transport failed: nothing more to deliver. */
    CLIENT_GONE,
    /** The application closes a healthy session: the client gets what was queued, then a close. */
    GRACEFUL,
    /** The server shuts down: as {@link #GRACEFUL}, except where a client would not notice. */
    SHUTDOWN,
    /** A protocol failure (ping timeout, bad packet, overlapping polls): queued frames dropped. */
    FAILURE,
    /** The client stayed over the buffer limit for the grace period. */
    OVER_LIMIT;

    /** Socket.IO's reason when the application closes the whole connection. */
    private static final String FORCED_SERVER_CLOSE = "forced server close";

    private static final Set<String> GRACEFUL_REASONS =
        Set.of(EngineSocket.FORCED_CLOSE, FORCED_SERVER_CLOSE, EngineSocket.SERVER_SHUTTING_DOWN);

    /**
     * How a session closed for {@code reason} ends its transport. Only a close the server chose for
     * a healthy session (not a protocol failure) lets the client have what was queued.
     */
    static Ending of(String reason, boolean serverInitiated) {
      if (!serverInitiated) {
        return CLIENT_GONE;
      }
      if (EngineSocket.SERVER_SHUTTING_DOWN.equals(reason)) {
        return SHUTDOWN;
      }
      return GRACEFUL_REASONS.contains(reason) ? GRACEFUL : FAILURE;
    }
  }

  /** What became of a long-polling GET handed to {@link #poll}. */
  enum Poll {
    /** Answered now, or held until there is something to send. */
    TAKEN,
    /** Another GET is already waiting: the client broke the protocol. */
    OVERLAPPING,
    /** This transport takes no polling requests. */
    REFUSED
  }

  /** A long-polling GET, also after the session closed. Session's event loop. */
  default Poll poll(HttpServerResponse response) {
    return Poll.REFUSED;
  }

  /**
   * Whether, after the close, the client still has to fetch the last frames and the close packet:
   * the session stays reachable for its next requests until the transport calls {@link
   * EngineSocket#forget()}.
   */
  default boolean closePending() {
    return false;
  }

  /** Whether a websocket may take this transport's place. */
  default boolean upgradable() {
    return false;
  }

  /** The upgrade's probe succeeded: hold frames back until the switch. */
  default void pauseForUpgrade() {}

  /** The upgrade was abandoned: carry on as before. */
  default void resumeAfterUpgrade() {}

  /** The upgrade completed: ends this transport and returns what it had not sent yet. */
  default List<OutFrame> handOver() {
    return List.of();
  }
}
