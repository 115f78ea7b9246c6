package chat.nexus.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A stored chat message; its id orders a room's history. */
public record Message(
    long id, String roomId, String userId, String text, String clientId, Instant createdAt) {

  /** The contract's shape: {id, roomId, userId, text, clientId, createdAt}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("roomId", roomId)
        .put("userId", userId)
        .put("text", text)
        .put("clientId", clientId)
        .put("createdAt", createdAt.toString());
  }
}
