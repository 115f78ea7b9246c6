package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One stored message of a companion conversation; role is "user" or "assistant". {@code swipes} are
 * the alternatives of a reply (regenerated ones, or a greeting and the card's alternate greetings),
 * {@code swipe} the index of the chosen one, which is the {@code content}; a message without
 * alternatives has one swipe, its content.
 */
public record CompanionMessage(
    long id,
    String userId,
    String characterId,
    long conversationId,
    String role,
    String content,
    Instant createdAt,
    List<String> swipes,
    int swipe) {

  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";

  public CompanionMessage {
    swipes = swipes == null || swipes.isEmpty() ? List.of(content) : List.copyOf(swipes);
  }

  /** The message with swipe {@code index} chosen. */
  CompanionMessage choose(int index) {
    return new CompanionMessage(
        id, userId, characterId, conversationId, role, swipes.get(index), createdAt, swipes, index);
  }

  /** The message with its chosen swipe's text replaced. */
  CompanionMessage edited(String text) {
    List<String> list = new java.util.ArrayList<>(swipes);
    list.set(swipe, text);
    return new CompanionMessage(
        id, userId, characterId, conversationId, role, text, createdAt, list, swipe);
  }

  /** The message with one more swipe, chosen. */
  CompanionMessage withSwipe(String text) {
    List<String> list = new java.util.ArrayList<>(swipes);
    list.add(text);
    return new CompanionMessage(
        id, userId, characterId, conversationId, role, text, createdAt, list, list.size() - 1);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("characterId", characterId)
        .put("conversationId", conversationId)
        .put("userId", userId)
        .put("role", role)
        .put("content", content)
        .put("createdAt", createdAt.toString())
        .put("swipe", swipe)
        .put("swipes", swipes.size());
  }

  /** A list of messages as the contract's {@code messages} array, in the list's order. */
  public static JsonArray toJsonArray(List<CompanionMessage> messages) {
    JsonArray out = new JsonArray();
    messages.forEach(m -> out.add(m.toJson()));
    return out;
  }
}
