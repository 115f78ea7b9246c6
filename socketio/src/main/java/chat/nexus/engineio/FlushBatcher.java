package chat.nexus.engineio;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Flushes websocket channels once per event-loop turn instead of once per packet: the writes of a
 * turn (a broadcast to a hundred sockets, a burst of acks) leave in one system call per connection.
 * One per event-loop thread; touched only from that thread.
 */
final class FlushBatcher implements Runnable {

  private static final FastThreadLocal<FlushBatcher> CURRENT =
      new FastThreadLocal<>() {
        @Override
        protected FlushBatcher initialValue() {
          return new FlushBatcher();
        }
      };

  private ArrayList<WebSocketTransport> dirty = new ArrayList<>();
  private boolean scheduled;

  private FlushBatcher() {}

  /**
   * Marks the transport for a flush at the end of this turn. Must run on the transport's event
   * loop.
   */
  static void markDirty(WebSocketTransport transport) {
    FlushBatcher batcher = CURRENT.get();
    if (transport.flushPending) {
      return;
    }
    transport.flushPending = true;
    batcher.dirty.add(transport);
    if (!batcher.scheduled) {
      batcher.scheduled = true;
      transport.writeLoop().execute(batcher);
    }
  }

  @Override
  public void run() {
    scheduled = false;
    ArrayList<WebSocketTransport> toFlush = dirty;
    dirty = new ArrayList<>(Math.max(16, toFlush.size()));
    for (WebSocketTransport transport : toFlush) {
      transport.flushPending = false;
      transport.flushNow();
    }
  }
}
