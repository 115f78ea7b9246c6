package chat.nexus.companion;

import io.vertx.core.json.JsonObject;

/** Who a user is to a character: a name for {@code {{user}}} and a description for the prompt. */
public record Persona(long id, String userId, String name, String description) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("description", description);
  }
}
