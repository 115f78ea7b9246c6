package chat.nexus.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Bodies;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handles, avatars and the guest/account kind through REST: every route and every refusal; run on
 * each storage backend by the subclasses.
 */
abstract class ProfileCases extends ServerCases {

  Bodies bodies;

  @BeforeAll
  void bodies() {
    bodies = new Bodies(server.url());
  }

  static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  JsonObject register(String username, String handle) {
    JsonObject body =
        new JsonObject().put("username", username).put("password", "correct horse battery");
    if (handle != null) {
      body.put("handle", handle);
    }
    return rest.post("/api/auth/register", body).assertOk(201);
  }

  JsonObject me(String token) {
    return rest.get("/api/me", token).assertOk(200).getJsonObject("user");
  }

  // ---- handles at sign-in ----

  @Test
  void guestsGetAHandleFromTheirNameWithASuffixSoTwoBobsDiffer() {
    JsonObject first = server.guest("Bob").getJsonObject("user");
    JsonObject second = server.guest("Bob").getJsonObject("user");
    assertThat(first.getString("handle")).matches("bob_[0-9a-f]{4}");
    assertThat(second.getString("handle")).matches("bob_[0-9a-f]{4}");
    assertThat(first.getString("handle")).isNotEqualTo(second.getString("handle"));
    assertThat(first.getString("kind")).isEqualTo("guest");
  }

  @Test
  void guestsWithNamesThatMakeNoHandleGetOneAnyway() {
    JsonObject user = server.guest("山田 🌸").getJsonObject("user");
    assertThat(user.getString("handle")).matches("[a-z0-9_]{3,32}");
  }

  @Test
  void accountsGetTheirUsernameAsHandleOrTheOneTheyPick() {
    String username = unique("Ann");
    JsonObject plain = register(username, null).getJsonObject("user");
    assertThat(plain.getString("handle")).isEqualTo(username.toLowerCase());
    String picked = unique("pick_");
    JsonObject chosen = register(unique("Ben"), picked.toUpperCase()).getJsonObject("user");
    assertThat(chosen.getString("handle")).isEqualTo(picked);
  }

  @Test
  void signUpWithATakenHandleIsAConflict() {
    String handle = unique("taken_");
    register(unique("Cat"), handle);
    rest.post(
            "/api/auth/register",
            new JsonObject()
                .put("username", unique("Dan"))
                .put("password", "correct horse battery")
                .put("handle", handle.toUpperCase()))
        .assertError(409, "CONFLICT");
  }

  @Test
  void signUpWithABadHandleIsABadRequest() {
    rest.post(
            "/api/auth/register",
            new JsonObject()
                .put("username", unique("Eve"))
                .put("password", "correct horse battery")
                .put("handle", "no spaces!"))
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void loginAnswersTheHandle() {
    String username = unique("Fay");
    register(username, null);
    JsonObject login =
        rest.post(
                "/api/auth/login",
                new JsonObject().put("username", username).put("password", "correct horse battery"))
            .assertOk(200);
    assertThat(login.getJsonObject("user").getString("handle")).isEqualTo(username.toLowerCase());
  }

  // ---- reading profiles ----

  @Test
  void aProfileSaysNameHandleKindAndAvatar() {
    TestUser guest = user("Gil");
    JsonObject account = register(unique("Hal"), null);
    JsonObject seen =
        rest.get("/api/users/" + guest.id(), account.getString("token")).assertOk(200);
    assertThat(seen.getJsonObject("user").fieldNames())
        .containsExactlyInAnyOrder("id", "name", "handle", "kind", "avatarUrl");
    assertThat(seen.getJsonObject("user").getString("kind")).isEqualTo("guest");
    assertThat(seen.getJsonObject("user").getValue("avatarUrl")).isNull();
    String accountId = account.getJsonObject("user").getString("id");
    JsonObject other = rest.get("/api/users/" + accountId, guest.token()).assertOk(200);
    assertThat(other.getJsonObject("user").getString("kind")).isEqualTo("account");
  }

  @Test
  void anUnknownUserIsNotFoundAndStrangersAreRefused() {
    TestUser me = user("Ida");
    rest.get("/api/users/nobody-" + UUID.randomUUID(), me.token()).assertError(404, "NOT_FOUND");
    rest.get("/api/users/" + me.id()).assertError(401, "UNAUTHORIZED");
    rest.get("/api/me").assertError(401, "UNAUTHORIZED");
  }

  @Test
  void batchLookupByIdsAndByHandles() {
    TestUser a = user("Jo");
    TestUser b = user("Kim");
    String handleB = me(b.token()).getString("handle");
    JsonArray byIds =
        rest.get("/api/users?ids=" + a.id() + "," + b.id() + ",missing-one", a.token())
            .assertOk(200)
            .getJsonArray("users");
    assertThat(byIds.size()).isEqualTo(2);
    assertThat(byIds.getJsonObject(0).getString("id")).isEqualTo(a.id());
    JsonArray byHandles =
        rest.get("/api/users?handles=" + handleB.toUpperCase(), a.token())
            .assertOk(200)
            .getJsonArray("users");
    assertThat(byHandles.size()).isEqualTo(1);
    assertThat(byHandles.getJsonObject(0).getString("id")).isEqualTo(b.id());
  }

  @Test
  void batchLookupRefusesBadQueries() {
    TestUser a = user("Lea");
    rest.get("/api/users", a.token()).assertError(400, "BAD_REQUEST");
    rest.get("/api/users?ids=a&handles=b", a.token()).assertError(400, "BAD_REQUEST");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Profiles.MAX_BATCH; i++) {
      many.append(i == 0 ? "" : ",").append("id").append(i);
    }
    rest.get("/api/users?ids=" + many, a.token()).assertError(400, "BAD_REQUEST");
    rest.get("/api/users?handles=bad%20handle", a.token()).assertError(400, "BAD_REQUEST");
    rest.get("/api/users?ids=" + a.id()).assertError(401, "UNAUTHORIZED");
  }

  // ---- changing one's profile ----

  @Test
  void patchMeChangesNameAndHandle() {
    TestUser a = user("Max");
    String handle = unique("max_");
    JsonObject changed =
        bodies
            .patch(
                "/api/me", new JsonObject().put("name", "Maxine").put("handle", handle), a.token())
            .assertOk(200)
            .getJsonObject("user");
    assertThat(changed.getString("name")).isEqualTo("Maxine");
    assertThat(changed.getString("handle")).isEqualTo(handle);
    assertThat(rest.get("/api/users/" + a.id(), a.token()).assertOk(200).getJsonObject("user"))
        .isEqualTo(changed);
  }

  @Test
  void aTakenHandleIsAConflictWhateverItsCase() {
    TestUser a = user("Ned");
    TestUser b = user("Oli");
    String handleA = me(a.token()).getString("handle");
    Rest.Response refused =
        bodies
            .patch("/api/me", new JsonObject().put("handle", handleA.toUpperCase()), b.token())
            .assertError(409, "CONFLICT");
    assertThat(refused.message()).contains("taken");
  }

  @Test
  void patchMeRefusesBadInput() {
    TestUser a = user("Pam");
    bodies
        .patch("/api/me", new JsonObject().put("handle", "ab"), a.token())
        .assertError(400, "BAD_REQUEST");
    bodies
        .patch("/api/me", new JsonObject().put("handle", "x".repeat(33)), a.token())
        .assertError(400, "BAD_REQUEST");
    bodies
        .patch("/api/me", new JsonObject().put("name", "   "), a.token())
        .assertError(400, "BAD_REQUEST");
    bodies.patch("/api/me", new JsonObject(), a.token()).assertError(400, "BAD_REQUEST");
    bodies
        .patch("/api/me", new JsonObject().put("name", "Nobody"), null)
        .assertError(401, "UNAUTHORIZED");
  }

  @Test
  void membersOfTheUsersRoomsHearOfTheChange() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String room = room();
    joined(ann, room);
    chat.nexus.testing.Client bobs = joined(bob, room);
    bodies.patch("/api/me", new JsonObject().put("name", "Annabel"), ann.token()).assertOk(200);
    JsonObject heard = bobs.next("user:updated").getJsonObject("user");
    assertThat(heard.getString("id")).isEqualTo(ann.id());
    assertThat(heard.getString("name")).isEqualTo("Annabel");
  }

  // ---- avatars ----

  @Test
  void anAvatarIsScaledDownAndServedWithAnEtag() {
    TestUser a = user("Quin");
    byte[] photo = Bodies.picture(900, 600, "jpeg");
    JsonObject profile =
        bodies
            .put("/api/me/avatar", "image/jpeg", photo, a.token())
            .assertOk(200)
            .getJsonObject("user");
    String url = profile.getString("avatarUrl");
    assertThat(url).startsWith("/api/users/" + a.id() + "/avatar?v=");

    HttpResponse<byte[]> served = bodies.getBytes(url, null);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(served.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
    int[] size = Bodies.size(served.body());
    assertThat(Math.max(size[0], size[1])).isEqualTo(Profiles.AVATAR_SIDE);

    String etag = served.headers().firstValue("ETag").orElseThrow();
    Rest.Response again =
        bodies.get("/api/users/" + a.id() + "/avatar", null, Map.of("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
  }

  @Test
  void pngAndGifAvatarsAreTakenToo() {
    TestUser a = user("Ray");
    bodies
        .put("/api/me/avatar", "image/png", Bodies.picture(64, 64, "png"), a.token())
        .assertOk(200);
    bodies
        .put("/api/me/avatar", "image/gif", Bodies.picture(300, 300, "gif"), a.token())
        .assertOk(200);
    HttpResponse<byte[]> served = bodies.getBytes("/api/users/" + a.id() + "/avatar", null);
    assertThat(Bodies.size(served.body())[0]).isEqualTo(Profiles.AVATAR_SIDE);
  }

  @Test
  void anAvatarThatIsNotAPictureIsRefusedWhateverItsDeclaredType() {
    TestUser a = user("Sue");
    byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
    bodies.put("/api/me/avatar", "image/png", html, a.token()).assertError(400, "BAD_REQUEST");
    byte[] svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
            .getBytes(StandardCharsets.UTF_8);
    bodies.put("/api/me/avatar", "image/svg+xml", svg, a.token()).assertError(400, "BAD_REQUEST");
    assertThat(me(a.token()).getValue("avatarUrl")).isNull();
  }

  @Test
  void anAvatarOverTheLimitIsRefusedBeforeItIsRead() {
    TestUser a = user("Tom");
    byte[] big = new byte[Profiles.AVATAR_MAX_BYTES + 1];
    bodies.put("/api/me/avatar", "image/png", big, a.token()).assertError(413, "PAYLOAD_TOO_LARGE");
  }

  @Test
  void anAvatarNeedsASignedInCallerAndABody() {
    bodies
        .put("/api/me/avatar", "image/png", Bodies.picture(8, 8, "png"), null)
        .assertError(401, "UNAUTHORIZED");
    TestUser a = user("Uma");
    bodies
        .put("/api/me/avatar", "image/png", new byte[0], a.token())
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void deletingTheAvatarLeavesNone() {
    TestUser a = user("Val");
    bodies
        .put("/api/me/avatar", "image/png", Bodies.picture(50, 50, "png"), a.token())
        .assertOk(200);
    JsonObject after =
        bodies.delete("/api/me/avatar", a.token()).assertOk(200).getJsonObject("user");
    assertThat(after.getValue("avatarUrl")).isNull();
    rest.get("/api/users/" + a.id() + "/avatar").assertError(404, "NOT_FOUND");
  }
}
