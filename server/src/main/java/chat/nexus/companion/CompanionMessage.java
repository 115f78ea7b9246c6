package chat.nexus.companion;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One stored message of a companion conversation; role is "user" or "assistant". */
public record CompanionMessage(
    long id, String userId, String characterId, String role, String content, Instant createdAt) {

  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("characterId", characterId)
        .put("userId", userId)
        .put("role", role)
        .put("content", content)
        .put("createdAt", createdAt.toString());
  }
}
