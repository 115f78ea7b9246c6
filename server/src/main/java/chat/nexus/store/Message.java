package chat.nexus.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A stored chat message; its id orders a room's history. */
public record Message(
    long id,
    String roomId,
    String userId,
    String text,
    String clientId,
    Instant createdAt,
    String attachment) {

  /**
   * The contract's shape: {id, roomId, userId, text, clientId, createdAt}, and {@code attachment}
   * (an upload's {id, name, contentType, size, width?, height?, image}) when it has one; {@code
   * attachment} here is that object's JSON text, as stored.
   */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("roomId", roomId)
            .put("userId", userId)
            .put("text", text)
            .put("clientId", clientId)
            .put("createdAt", createdAt.toString());
    if (attachment != null) {
      json.put("attachment", new JsonObject(attachment));
    }
    return json;
  }
}
