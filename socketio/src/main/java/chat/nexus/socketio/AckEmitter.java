package chat.nexus.socketio;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/** Sends events that expect an acknowledgement within a time limit: {@link Socket#timeout}. */
@FunctionalInterface
public interface AckEmitter {
  Future<JsonArray> emitWithAck(String event, Object... args);
}
