package chat.nexus.socketio.adapter;

import chat.nexus.engineio.OutFrame;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * A socket of this node as its adapter reaches it. A broadcast is encoded once and the same frames
 * are handed to every recipient; the adapter groups recipients by {@link #writeLoop()} and hands
 * each loop its share in one task.
 */
public interface Recipient {

  String id();

  /** The event loop that writes to this client: where a broadcast hands it frames. */
  EventExecutor writeLoop();

  /** Whether a packet sent now would leave at once (volatile packets are dropped otherwise). */
  boolean isWritable();

  /** Writes already encoded frames; dropped once the socket is disconnected. */
  void sendFrames(List<OutFrame> frames);

  /**
   * Writes the frames of a packet that carries {@code ackId} and completes {@code ack} with the
   * client's answer; fails it when the socket disconnects first.
   */
  void sendWithAck(List<OutFrame> frames, long ackId, Promise<JsonArray> ack);

  /** Leaves the namespace; with {@code close}, closes the whole connection. */
  void disconnect(boolean close);
}
