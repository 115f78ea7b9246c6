package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One of a user's conversations with a character. {@code title} null: untitled (clients show the
 * start date); {@code personaId} null: the user speaks as themselves; {@code activityAt} is the
 * time of its newest message. Its memory: {@code summary} (null: none) of the messages up to {@code
 * summaryThrough} (a message id, 0: none), and the facts the user {@code pins}.
 */
public record CompanionConversation(
    long id,
    String userId,
    String characterId,
    String title,
    Long personaId,
    Instant createdAt,
    Instant activityAt,
    String summary,
    long summaryThrough,
    List<String> pins) {

  public CompanionConversation {
    pins = pins == null ? List.of() : List.copyOf(pins);
  }

  /** What every socket of the user may be told: no memory. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("characterId", characterId)
        .put("title", title)
        .put("personaId", personaId)
        .put("createdAt", createdAt.toString())
        .put("activityAt", activityAt.toString());
  }

  public JsonObject memoryJson() {
    return new JsonObject()
        .put("summary", summary)
        .put("summaryThrough", summaryThrough)
        .put("pins", new JsonArray(pins));
  }
}
