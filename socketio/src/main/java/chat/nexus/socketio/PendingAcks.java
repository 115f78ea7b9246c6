package chat.nexus.socketio;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The acks the server waits for from one client, by ack id. Touched on the connection's event loop
 * only; a socket makes one at its first emit with an ack.
 */
final class PendingAcks {

  private final Map<Long, Promise<JsonArray>> waiting = new HashMap<>(4);

  void add(long ackId, Promise<JsonArray> promise) {
    waiting.put(ackId, promise);
  }

  /** The client's ack arrived, with these arguments. */
  void answered(long ackId, JsonArray args) {
    Promise<JsonArray> promise = waiting.remove(ackId);
    if (promise != null) {
      promise.tryComplete(args);
    }
  }

  /** The emit's time limit passed without an ack. */
  void expired(long ackId) {
    Promise<JsonArray> promise = waiting.remove(ackId);
    if (promise != null) {
      promise.tryFail(new TimeoutException("operation has timed out"));
    }
  }

  void failAll(String reason) {
    waiting.values().forEach(promise -> promise.tryFail(reason));
    waiting.clear();
  }
}
