package chat.nexus.rooms;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * What a room is beyond its id: the name shown (the spelling it was created with; the id when it
 * was created by a join), its topic (empty: none), public or private, and its owner when created
 * with room:create. {@code memberCount} counts its room_members rows.
 */
public record Room(
    String id,
    String name,
    String topic,
    String visibility,
    Optional<String> ownerId,
    Instant createdAt,
    int memberCount) {

  public static final String PUBLIC = "public";
  public static final String PRIVATE = "private";

  public boolean isPrivate() {
    return PRIVATE.equals(visibility);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("topic", topic)
        .put("visibility", visibility)
        .put("ownerId", ownerId.orElse(null))
        .put("createdAt", createdAt.toString())
        .put("memberCount", memberCount);
  }
}
