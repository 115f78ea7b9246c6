package chat.nexus.store;

import io.vertx.core.json.JsonObject;

/**
 * A user. {@code kind} is "password" (registered here), "guest" or "external" (first seen in a
 * token from an identity provider such as Supabase). {@code handle} is unique (lower case); null
 * only for users stored before handles existed, until their profile is first read.
 */
public record User(String id, String username, String name, String kind, String handle) {

  public static final String PASSWORD = "password";
  public static final String GUEST = "guest";
  public static final String EXTERNAL = "external";

  /** What clients see: never the password hash. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("kind", kind);
    if (handle != null) {
      json.put("handle", handle);
    }
    if (username != null) {
      json.put("username", username);
    }
    return json;
  }
}
