package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Characters people own, over REST: who sees a card (private, unlisted, public), who changes and
 * deletes it (its owner or the admin), duplicates, soft deletion and the gallery's search. Run on
 * each storage backend by the subclasses.
 */
abstract class CharacterOwnershipCases extends ServerCases {

  private static final String ADMIN_PASSWORD = "character-admin-password-0123";

  private CharacterHttp http;

  @Override
  protected Map<String, String> env() {
    return Map.of("ADMIN_PASSWORD", ADMIN_PASSWORD);
  }

  @BeforeEach
  void client() {
    http = new CharacterHttp(server.url());
  }

  private String token() {
    return server.guest("o" + UUID.randomUUID().toString().substring(0, 6)).getString("token");
  }

  private JsonObject create(JsonObject card, String token, String visibility) {
    String path = "/api/characters" + (visibility == null ? "" : "?visibility=" + visibility);
    return rest.post(path, card, token).assertOk(201).getJsonObject("character");
  }

  private List<String> ids(Rest.Response list) {
    JsonArray lines = list.assertOk(200).getJsonArray("characters");
    return lines.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  void aNewCardIsPrivateAndOthersCannotTellItExists() {
    String owner = token();
    String other = token();
    JsonObject created = create(Cards.v2("Hidden " + UUID.randomUUID()), owner, null);
    String id = created.getString("id");
    assertThat(created.getString("visibility")).isEqualTo("private");
    assertThat(created.getString("ownerId")).isNotBlank();

    rest.get("/api/characters/" + id, owner).assertOk(200);
    assertThat(ids(rest.get("/api/characters/mine", owner))).contains(id);
    assertThat(
            rest.get("/api/characters/mine", owner)
                .assertOk(200)
                .getJsonArray("characters")
                .getJsonObject(0)
                .getString("visibility"))
        .isEqualTo("private");
    assertThat(ids(rest.get("/api/characters?limit=100"))).doesNotContain(id);
    assertThat(ids(rest.get("/api/characters/mine", other))).doesNotContain(id);

    rest.get("/api/characters/" + id, other).assertError(404, "NOT_FOUND");
    rest.get("/api/characters/" + id + "/export?format=json", other).assertError(404, "NOT_FOUND");
    rest.post("/api/characters/" + id + "/duplicate", null, other).assertError(404, "NOT_FOUND");
    http.json("PATCH", "/api/characters/" + id, "{\"visibility\":\"public\"}", other)
        .assertError(404, "NOT_FOUND");
    http.json("PUT", "/api/characters/" + id, Cards.v2("Mine now").encode(), other)
        .assertError(404, "NOT_FOUND");
    http.send("DELETE", "/api/characters/" + id, null, null, other).assertError(404, "NOT_FOUND");
    rest.get("/api/companions/" + id + "/messages", other).assertError(404, "NOT_FOUND");
    rest.get("/api/companions/" + id + "/messages", owner).assertOk(200);
  }

  @Test
  void aPrivatePictureIsServedToItsOwnerOnly() {
    String owner = token();
    byte[] png = Cards.png("chara", Cards.base64(Cards.v2("Pictured " + UUID.randomUUID())));
    JsonObject created =
        http.send("POST", "/api/characters", "image/png", png, owner)
            .assertOk(201)
            .getJsonObject("character");
    String id = created.getString("id");
    assertThat(created.getString("visibility")).isEqualTo("private");
    assertThat(http.send("GET", "/api/characters/" + id + "/avatar", null, null, owner).status())
        .isEqualTo(200);
    http.send("GET", "/api/characters/" + id + "/avatar", null, null, null)
        .assertError(404, "NOT_FOUND");
    http.send("GET", "/api/characters/" + id + "/avatar", null, null, token())
        .assertError(404, "NOT_FOUND");
  }

  @Test
  void anUnlistedCardIsReachableByIdButNotListedAndOnlyItsOwnerChangesIt() {
    String owner = token();
    String other = token();
    String id =
        create(Cards.v2("Unlisted " + UUID.randomUUID()), owner, "unlisted").getString("id");
    assertThat(
            rest.get("/api/characters/" + id, other)
                .assertOk(200)
                .getJsonObject("character")
                .getString("visibility"))
        .isEqualTo("unlisted");
    assertThat(ids(rest.get("/api/characters?limit=100"))).doesNotContain(id);
    http.json("PATCH", "/api/characters/" + id, "{\"visibility\":\"public\"}", other)
        .assertError(403, "FORBIDDEN");
    http.json("PUT", "/api/characters/" + id, Cards.v2("Taken").encode(), other)
        .assertError(403, "FORBIDDEN");
    http.send("DELETE", "/api/characters/" + id, null, null, other).assertError(403, "FORBIDDEN");
    http.send("PUT", "/api/characters/" + id + "/avatar", "image/png", Cards.png(), other)
        .assertError(403, "FORBIDDEN");
    http.json("PATCH", "/api/characters/" + id, "{\"visibility\":\"public\"}", null)
        .assertError(401, "UNAUTHORIZED");
    http.send("DELETE", "/api/characters/" + id, null, null, null).assertError(401, "UNAUTHORIZED");
    rest.get("/api/companions/" + id + "/messages", other).assertOk(200);
  }

  @Test
  void theOwnerReplacesEditsAndPublishesTheCard() {
    String owner = token();
    String name = "Editable " + UUID.randomUUID();
    String id = create(Cards.v2(name), owner, null).getString("id");

    JsonObject replaced = Cards.v3(name + " v3");
    JsonObject put =
        http.json("PUT", "/api/characters/" + id, replaced.encode(), owner)
            .assertOk(200)
            .getJsonObject("character");
    assertThat(put.getString("spec")).isEqualTo("chara_card_v3");
    assertThat(
            rest.get("/api/characters/" + id, owner)
                .assertOk(200)
                .getJsonObject("character")
                .getJsonObject("card"))
        .isEqualTo(replaced);

    JsonObject patched =
        http.json(
                "PATCH",
                "/api/characters/" + id,
                new JsonObject()
                    .put("visibility", "public")
                    .put(
                        "data",
                        new JsonObject()
                            .put("description", "A new description")
                            .put("tags", new JsonArray().add("Harbour").add("night"))
                            .putNull("nickname"))
                    .encode(),
                owner)
            .assertOk(200)
            .getJsonObject("character");
    assertThat(patched.getString("visibility")).isEqualTo("public");
    JsonObject data = patched.getJsonObject("card").getJsonObject("data");
    assertThat(data.getString("description")).isEqualTo("A new description");
    assertThat(data.containsKey("nickname")).isFalse();
    assertThat(data.getString("name")).isEqualTo(name + " v3");
    assertThat(ids(rest.get("/api/characters?tag=harbour"))).contains(id);

    http.json("PATCH", "/api/characters/" + id, "{\"visibility\":\"everyone\"}", owner)
        .assertError(400, "BAD_REQUEST");
    http.json("PATCH", "/api/characters/" + id, "{\"data\":{\"name\":\"\"}}", owner)
        .assertError(400, "BAD_REQUEST");
    http.json("PATCH", "/api/characters/" + id, "{}", owner).assertError(400, "BAD_REQUEST");
    http.json("PATCH", "/api/characters/" + id, "[1]", owner).assertError(400, "BAD_REQUEST");
    http.json("PUT", "/api/characters/" + id, "{\"spec\":\"nope\"}", owner)
        .assertError(400, "BAD_REQUEST");
    http.json("PATCH", "/api/characters/nope", "{\"visibility\":\"public\"}", owner)
        .assertError(404, "NOT_FOUND");
  }

  @Test
  void theOwnerChangesThePictureAndBodiesAreBounded() {
    String owner = token();
    String id = create(Cards.v2("Portrait " + UUID.randomUUID()), owner, null).getString("id");
    JsonObject changed =
        http.send(
                "PUT",
                "/api/characters/" + id + "/avatar",
                "image/png",
                Cards.picture(40, 30),
                owner)
            .assertOk(200)
            .getJsonObject("character");
    assertThat(changed.getBoolean("hasAvatar")).isTrue();
    assertThat(
            http.send("GET", "/api/characters/" + id + "/avatar", null, null, owner)
                .header("Content-Type"))
        .isEqualTo("image/png");
    http.send(
            "PUT", "/api/characters/" + id + "/avatar", "image/png", "not a png".getBytes(), owner)
        .assertError(400, "BAD_REQUEST");
    http.send(
            "PUT",
            "/api/characters/" + id + "/avatar",
            "image/png",
            Cards.bomb(20_000, 20_000),
            owner)
        .assertError(413, "PAYLOAD_TOO_LARGE");
    JsonObject big = Cards.v2("Big");
    big.getJsonObject("data").put("description", "x".repeat(CardLimits.MAX_CARD_BYTES));
    http.json("PUT", "/api/characters/" + id, big.encode(), owner)
        .assertError(413, "PAYLOAD_TOO_LARGE");
    assertThat(
            rest.get("/api/characters/" + id, owner)
                .assertOk(200)
                .getJsonObject("character")
                .getString("name"))
        .startsWith("Portrait");
  }

  @Test
  void anyoneWhoSeesACardDuplicatesItIntoTheirOwnPrivateCopy() {
    String owner = token();
    String other = token();
    String name = "Original " + UUID.randomUUID();
    byte[] png = Cards.png("chara", Cards.base64(Cards.v2(name)));
    String id =
        http.send("POST", "/api/characters?visibility=public", "image/png", png, owner)
            .assertOk(201)
            .getJsonObject("character")
            .getString("id");
    JsonObject copy =
        rest.post("/api/characters/" + id + "/duplicate", null, other)
            .assertOk(201)
            .getJsonObject("character");
    assertThat(copy.getString("id")).isNotEqualTo(id);
    assertThat(copy.getString("name")).isEqualTo(name + " (copy)");
    assertThat(copy.getString("visibility")).isEqualTo("private");
    assertThat(copy.getBoolean("hasAvatar")).isTrue();
    assertThat(ids(rest.get("/api/characters/mine", other))).contains(copy.getString("id"));
    http.json(
            "PATCH",
            "/api/characters/" + copy.getString("id"),
            "{\"visibility\":\"unlisted\"}",
            other)
        .assertOk(200);
    assertThat(
            http.send(
                    "GET", "/api/characters/" + copy.getString("id") + "/avatar", null, null, other)
                .status())
        .isEqualTo(200);
  }

  @Test
  void aDeletedCardIsGoneButItsConversationsStayReadable() {
    String owner = token();
    String talker = token();
    String stranger = token();
    String id = create(Cards.v2("Doomed " + UUID.randomUUID()), owner, "public").getString("id");
    JsonArray before =
        rest.get("/api/companions/" + id + "/messages", talker)
            .assertOk(200)
            .getJsonArray("messages");
    assertThat(before).isNotEmpty();

    http.send("DELETE", "/api/characters/" + id, null, null, owner).assertOk(200);

    rest.get("/api/characters/" + id, owner).assertError(404, "NOT_FOUND");
    assertThat(ids(rest.get("/api/characters?limit=100"))).doesNotContain(id);
    assertThat(ids(rest.get("/api/characters/mine", owner))).doesNotContain(id);
    http.send("DELETE", "/api/characters/" + id, null, null, owner).assertError(404, "NOT_FOUND");
    assertThat(
            rest.get("/api/companions/" + id + "/messages", talker)
                .assertOk(200)
                .getJsonArray("messages"))
        .isEqualTo(before);
    rest.get("/api/companions/" + id + "/messages", stranger).assertError(404, "NOT_FOUND");
    assertThat(server.count("SELECT COUNT(*) FROM characters WHERE id = ?", id)).isEqualTo(1);
  }

  @Test
  void theAdminChangesAndDeletesAnyCardAndAWrongPasswordIsRefused() {
    String owner = token();
    String id = create(Cards.v2("Moderated " + UUID.randomUUID()), owner, "public").getString("id");
    http.json("PATCH", "/api/characters/" + id, "{\"visibility\":\"private\"}", "basic:admin:wrong")
        .assertError(401, "UNAUTHORIZED");
    http.json(
            "PATCH",
            "/api/characters/" + id,
            "{\"visibility\":\"private\"}",
            "basic:admin:" + ADMIN_PASSWORD)
        .assertOk(200);
    assertThat(ids(rest.get("/api/characters?limit=100"))).doesNotContain(id);
    http.send("DELETE", "/api/characters/" + id, null, null, "basic:admin:" + ADMIN_PASSWORD)
        .assertOk(200);
    rest.get("/api/characters/" + id, owner).assertError(404, "NOT_FOUND");
  }

  @Test
  void theGallerySearchesPublicCardsByNameAndTag() {
    String owner = token();
    String word = "zq" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject card = Cards.v2("Captain " + word.toUpperCase() + " 50%_off");
    card.getJsonObject("data").put("tags", new JsonArray().add("Pirate-" + word).add("sea"));
    String id = create(card, owner, "public").getString("id");
    String hidden = create(Cards.v2("Captain " + word), owner, "unlisted").getString("id");

    assertThat(ids(rest.get("/api/characters?q=" + word))).containsExactly(id);
    assertThat(ids(rest.get("/api/characters?q=captain%20" + word))).containsExactly(id);
    assertThat(ids(rest.get("/api/characters?tag=PIRATE-" + word))).containsExactly(id);
    assertThat(ids(rest.get("/api/characters?tag=pirate"))).doesNotContain(id);
    assertThat(ids(rest.get("/api/characters?q=" + word + "&tag=sea"))).containsExactly(id);
    assertThat(ids(rest.get("/api/characters?q=" + word + "&tag=land"))).isEmpty();
    assertThat(ids(rest.get("/api/characters?q=%25_off"))).contains(id);
    assertThat(ids(rest.get("/api/characters?q=" + word))).doesNotContain(hidden);
    rest.get("/api/characters?q=" + "x".repeat(101)).assertError(400, "BAD_REQUEST");
    rest.get("/api/characters?tag=a%7Cb").assertError(400, "BAD_REQUEST");
    rest.get("/api/characters?limit=101").assertError(400, "BAD_REQUEST");
    rest.get("/api/characters/mine?limit=0", owner).assertError(400, "BAD_REQUEST");
    rest.get("/api/characters/mine").assertError(401, "UNAUTHORIZED");
  }

  @Test
  void aCardStoredBeforeOwnersKeepsWorkingAndIsFoundByItsTags() throws Exception {
    String id = UUID.randomUUID().toString();
    String tag = "old" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject card = Cards.v2("Old timer " + tag);
    card.getJsonObject("data").put("tags", new JsonArray().add(tag));
    server.update(
        "INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        id,
        "Old timer " + tag,
        card.encode(),
        null,
        OffsetDateTime.now(ZoneOffset.UTC));
    assertThat(server.chatServer().characters().indexSearch()).isGreaterThanOrEqualTo(1);
    assertThat(ids(rest.get("/api/characters?tag=" + tag))).containsExactly(id);
    JsonObject got =
        rest.get("/api/characters/" + id, token()).assertOk(200).getJsonObject("character");
    assertThat(got.getString("visibility")).isEqualTo("public");
    assertThat(got.getValue("ownerId")).isNull();
    http.json("PATCH", "/api/characters/" + id, "{\"visibility\":\"private\"}", token())
        .assertError(403, "FORBIDDEN");
  }
}
