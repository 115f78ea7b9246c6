package chat.nexus.companion;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One of a user's conversations with a character. {@code title} null: untitled (clients show the
 * start date); {@code activityAt} is the time of its newest message.
 */
public record CompanionConversation(
    long id,
    String userId,
    String characterId,
    String title,
    Instant createdAt,
    Instant activityAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("characterId", characterId)
        .put("title", title)
        .put("createdAt", createdAt.toString())
        .put("activityAt", activityAt.toString());
  }
}
