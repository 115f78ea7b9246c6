package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One line of the public character list as JSON text, {@code {id, name, description (short), tags,
 * creator, hasAvatar, createdAt}}, built once per card when it is stored (a card stored before the
 * summaries existed gets its line the first time it is listed), so that a list is read from short
 * columns, never by parsing cards. Its size is bounded whatever the card says: tags and the short
 * fields are cut to {@link CardLimits}. The view count, which changes, is added when a page is
 * built.
 */
final class CharacterSummary {

  /** The longest description in the list; the full one is in GET /api/characters/{id}. */
  static final int SHORT_DESCRIPTION = 200;

  private CharacterSummary() {}

  static String json(String id, CharacterCard card, boolean hasAvatar, Instant createdAt) {
    JsonArray tags = new JsonArray();
    for (String tag : card.tags()) {
      if (tags.size() == CardLimits.MAX_TAGS) {
        break;
      }
      tags.add(cut(tag, CardLimits.MAX_TAG_CHARS));
    }
    return new JsonObject()
        .put("id", id)
        .put("name", card.name())
        .put("description", CharacterCard.abbreviate(card.description().strip(), SHORT_DESCRIPTION))
        .put("tags", tags)
        .put("creator", cut(card.creator(), CardLimits.MAX_SHORT_FIELD_CHARS))
        .put("hasAvatar", hasAvatar)
        .put("createdAt", createdAt.toString())
        .encode();
  }

  /** At most {@code max} UTF-16 units, an ellipsis last when cut, never half a surrogate pair. */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 2)) ? max - 2 : max - 1;
    return text.substring(0, end) + "…";
  }

  /** A stored line with the character's views, as a page carries it. */
  static String withViews(String json, long views) {
    return json.substring(0, json.lastIndexOf('}')) + ",\"views\":" + views + "}";
  }

  /** A line with the character's visibility, as its owner's list carries it. */
  static String withVisibility(String json, String visibility) {
    return json.substring(0, json.lastIndexOf('}'))
        + ",\"visibility\":"
        + io.vertx.core.json.Json.encode(visibility)
        + "}";
  }
}
