package chat.nexus.testing;

import io.vertx.core.json.JsonObject;

/** A user signed in on a {@link TestServer}: its id and its access token. */
public record TestUser(String id, String token) {

  /** The user of a sign-in answer ({@code {token, refreshToken, user}}). */
  public static TestUser of(JsonObject signedIn) {
    return new TestUser(
        signedIn.getJsonObject("user").getString("id"), signedIn.getString("token"));
  }
}
