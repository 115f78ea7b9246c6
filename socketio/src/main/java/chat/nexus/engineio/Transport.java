package chat.nexus.engineio;

import java.util.List;

/** One way of carrying a session's packets: a websocket, or HTTP long-polling requests. */
interface Transport {

  /** "websocket" or "polling", as in the query string. */
  String name();

  /** Queues frames for the client. Called on the session's event loop. */
  void send(List<OutFrame> frames);

  /** Whether a frame sent now would go out without waiting (used to drop volatile packets). */
  boolean writable();

  /** Bytes accepted but not yet written to the client. */
  long bufferedBytes();

  /** Ends the transport. {@code notifyClient}: tell a waiting poll with a close packet first. */
  void close(boolean notifyClient);
}
