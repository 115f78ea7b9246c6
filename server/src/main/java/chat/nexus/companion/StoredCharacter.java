package chat.nexus.companion;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A character as stored: its card (every field as imported), who created it and when. */
public record StoredCharacter(
    String id, CharacterCard card, String createdBy, Instant createdAt, boolean hasAvatar) {

  /**
   * The answer of GET /api/characters/{id} (and of a create), {@code {ok, character: {id, name,
   * spec, createdBy, createdAt, hasAvatar, card}}}, with the card's own text spliced in rather than
   * parsed and encoded again (the editor may show creator_notes; prompts never do).
   */
  String responseJson() {
    String head =
        new JsonObject()
            .put("id", id)
            .put("name", card.name())
            .put("spec", card.spec())
            .put("createdBy", createdBy)
            .put("createdAt", createdAt.toString())
            .put("hasAvatar", hasAvatar)
            .encode();
    return "{\"ok\":true,\"character\":"
        + head.substring(0, head.length() - 1)
        + ",\"card\":"
        + card.json()
        + "}}";
  }
}
