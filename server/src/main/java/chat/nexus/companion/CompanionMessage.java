package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

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

  /** A list of messages as the contract's {@code messages} array, in the list's order. */
  public static JsonArray toJsonArray(List<CompanionMessage> messages) {
    JsonArray out = new JsonArray();
    messages.forEach(m -> out.add(m.toJson()));
    return out;
  }
}
