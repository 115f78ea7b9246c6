package chat.nexus.companion;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A character as stored: its card (every field as imported), who created it and when. */
public record StoredCharacter(String id, CharacterCard card, String createdBy, Instant createdAt, boolean hasAvatar) {

  /** The full view, for GET /api/characters/{id} (the editor may show creator_notes; prompts never do). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", card.name())
        .put("spec", card.spec())
        .put("createdBy", createdBy)
        .put("createdAt", createdAt.toString())
        .put("hasAvatar", hasAvatar)
        .put("card", card.toJson());
  }
}
