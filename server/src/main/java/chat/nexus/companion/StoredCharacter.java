package chat.nexus.companion;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * A character as stored: its card (every field as imported), who created it and when, who owns it
 * (null: nobody, only an admin changes it), who sees it, and whether its owner deleted it.
 */
public record StoredCharacter(
    String id,
    CharacterCard card,
    String createdBy,
    Instant createdAt,
    boolean hasAvatar,
    String ownerId,
    Visibility visibility,
    boolean deleted) {

  /** Who sees a character besides its owner. */
  public enum Visibility {
    /** Its owner only: NOT_FOUND for everyone else, as if there were none. */
    PRIVATE,
    /** Whoever has its id (a shared link), but not in the gallery. */
    UNLISTED,
    /** Everyone, and listed in the gallery. */
    PUBLIC;

    /** The name in the API and the database. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The visibility of this name, or null. */
    public static Visibility of(String key) {
      for (Visibility v : values()) {
        if (v.key().equals(key)) {
          return v;
        }
      }
      return null;
    }
  }

  /** A new public character owned by its creator. */
  public StoredCharacter(
      String id, CharacterCard card, String createdBy, Instant createdAt, boolean hasAvatar) {
    this(id, card, createdBy, createdAt, hasAvatar, createdBy, Visibility.PUBLIC, false);
  }

  /** Whether this user may see the card: it is not deleted, and not someone else's private one. */
  public boolean visibleTo(String userId) {
    return !deleted && (visibility != Visibility.PRIVATE || ownedBy(userId));
  }

  boolean ownedBy(String userId) {
    return ownerId != null && ownerId.equals(userId);
  }

  /**
   * The answer of GET /api/characters/{id} (and of a create), {@code {ok, character: {id, name,
   * spec, createdBy, ownerId, visibility, createdAt, hasAvatar, card}}}, with the card's own text
   * spliced in rather than parsed and encoded again (the editor may show creator_notes; prompts
   * never do).
   */
  String responseJson() {
    String head =
        new JsonObject()
            .put("id", id)
            .put("name", card.name())
            .put("spec", card.spec())
            .put("createdBy", createdBy)
            .put("ownerId", ownerId)
            .put("visibility", visibility.key())
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
