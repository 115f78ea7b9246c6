package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** One line of the character list: a short description, tags, whether there is an avatar, and views. */
public record CharacterSummary(String id, String name, String description, List<String> tags, String creator,
    boolean hasAvatar, long views, Instant createdAt) {

  /** The longest description in the list; the full one is in GET /api/characters/{id}. */
  static final int SHORT_DESCRIPTION = 200;

  static CharacterSummary of(String id, CharacterCard card, boolean hasAvatar, long views, Instant createdAt) {
    return new CharacterSummary(id, card.name(), CharacterCard.abbreviate(card.description().strip(), SHORT_DESCRIPTION),
        card.tags(), card.creator(), hasAvatar, views, createdAt);
  }

  CharacterSummary withViews(long moreViews) {
    return moreViews == 0 ? this : new CharacterSummary(id, name, description, tags, creator, hasAvatar, views + moreViews, createdAt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("description", description)
        .put("tags", new JsonArray(List.copyOf(tags)))
        .put("creator", creator)
        .put("hasAvatar", hasAvatar)
        .put("views", views)
        .put("createdAt", createdAt.toString());
  }
}
