package chat.nexus.profiles;

import chat.nexus.store.User;
import io.vertx.core.json.JsonObject;

/**
 * What anyone signed in may see of a user: {@code kind} is "guest" or "account" (registered here or
 * known from an identity provider's token); {@code avatarEtag} names the avatar's version, null
 * without one.
 */
public record Profile(String id, String name, String handle, String kind, String avatarEtag) {

  public static final String GUEST = "guest";
  public static final String ACCOUNT = "account";

  static String kindOf(String userKind) {
    return User.GUEST.equals(userKind) ? GUEST : ACCOUNT;
  }

  /** The avatar's URL, its version in the query so that a new avatar is a new URL; or null. */
  public String avatarUrl() {
    return avatarEtag == null ? null : "/api/users/" + id + "/avatar?v=" + avatarEtag;
  }

  /** {id, name, handle, kind, avatarUrl} (avatarUrl null without an avatar). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("handle", handle)
        .put("kind", kind)
        .put("avatarUrl", avatarUrl());
  }
}
