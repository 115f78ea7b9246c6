package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The character REST API of the contract; run on each storage backend by the subclasses. */
abstract class CharacterCases extends ServerCases {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private String token() {
    return server.guest("g" + UUID.randomUUID().toString().substring(0, 6)).getString("token");
  }


  private static String jwtSub(String token) {
    String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    return new JsonObject(payload).getString("sub");
  }

  private JsonObject create(JsonObject card, String token) {
    return rest.post("/api/characters", card, token).assertOk(201).getJsonObject("character");
  }

  private HttpResponse<byte[]> postBytes(String contentType, byte[] body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/api/characters"))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private Rest.Response postPng(byte[] png, String token) throws Exception {
    HttpResponse<byte[]> response = postBytes("image/png", png, token);
    return new Rest.Response(response.statusCode(), response.headers(), new String(response.body()));
  }

  private JsonObject summary(String id) {
    JsonArray list = rest.get("/api/characters").assertOk(200).getJsonArray("characters");
    for (int i = 0; i < list.size(); i++) {
      if (id.equals(list.getJsonObject(i).getString("id"))) {
        return list.getJsonObject(i);
      }
    }
    return null;
  }

  @Test
  void v2JsonKeepsEveryFieldAndGetReturnsIt() {
    String token = token();
    JsonObject given = Cards.v2("Keeper " + UUID.randomUUID());
    JsonObject created = create(given, token);
    assertThat(created.getString("id")).isNotBlank();
    assertThat(created.getString("name")).isEqualTo(given.getJsonObject("data").getString("name"));
    assertThat(created.getString("spec")).isEqualTo("chara_card_v2");
    assertThat(created.getBoolean("hasAvatar")).isFalse();
    assertThat(created.getString("createdBy")).isEqualTo(jwtSub(token));
    JsonObject got = rest.get("/api/characters/" + created.getString("id"), token).assertOk(200).getJsonObject("character");
    assertThat(got.getJsonObject("card")).isEqualTo(given);
    assertThat(got.getJsonObject("card").getJsonObject("data").getString("creator_notes")).as("for the editor").startsWith("SECRET");
    String stored = (String) server.query("SELECT card FROM characters WHERE id = ?", created.getString("id")).get(0).get("card");
    assertThat(stored).isEqualTo(given.encode());
  }

  @Test
  void v3JsonKeepsEveryField() {
    String token = token();
    JsonObject given = Cards.v3("Keeper3 " + UUID.randomUUID());
    JsonObject created = create(given, token);
    assertThat(created.getString("spec")).isEqualTo("chara_card_v3");
    JsonObject got = rest.get("/api/characters/" + created.getString("id"), token).assertOk(200).getJsonObject("character");
    assertThat(got.getJsonObject("card")).isEqualTo(given);
  }

  @Test
  void pngWithCharaAndWithCcv3() throws Exception {
    String token = token();
    JsonObject v2 = Cards.v2("PngV2 " + UUID.randomUUID());
    byte[] png = Cards.png("chara", Cards.base64(v2));
    JsonObject created = postPng(png, token).assertOk(201).getJsonObject("character");
    assertThat(created.getBoolean("hasAvatar")).isTrue();
    assertThat(rest.get("/api/characters/" + created.getString("id"), token).assertOk(200).getJsonObject("character").getJsonObject("card"))
        .isEqualTo(v2);
    HttpResponse<byte[]> avatar = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/characters/" + created.getString("id") + "/avatar")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(avatar.statusCode()).isEqualTo(200);
    assertThat(avatar.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(avatar.body()).isEqualTo(png);
    assertThat(summary(created.getString("id")).getBoolean("hasAvatar")).isTrue();

    JsonObject v3 = Cards.v3("PngV3 " + UUID.randomUUID());
    created = postPng(Cards.png("chara", Cards.base64(Cards.v2("ignored")), "ccv3", Cards.base64(v3)), token).assertOk(201).getJsonObject("character");
    assertThat(created.getString("spec")).isEqualTo("chara_card_v3");
    assertThat(rest.get("/api/characters/" + created.getString("id"), token).assertOk(200).getJsonObject("character").getJsonObject("card"))
        .isEqualTo(v3);
  }

  @Test
  void badCardsGetA400SayingWhatIsWrong() throws Exception {
    String token = token();
    assertThat(rest.postRaw("/api/characters", "application/json", "{nope", token, Map.of()).assertError(400, "BAD_REQUEST").message())
        .contains("not JSON");
    assertThat(rest.post("/api/characters", new JsonObject().put("spec", "chara_card_v7").put("data", new JsonObject().put("name", "x")), token)
        .assertError(400, "BAD_REQUEST").message()).contains("unknown spec");
    assertThat(rest.post("/api/characters", new JsonObject().put("spec", "chara_card_v2").put("data", new JsonObject()), token)
        .assertError(400, "BAD_REQUEST").message()).contains("missing data.name");
    assertThat(postPng(Cards.png(), token).assertError(400, "BAD_REQUEST").message()).contains("no card");
    assertThat(postPng("not a png".getBytes(), token).assertError(400, "BAD_REQUEST").message()).contains("not a PNG");
    assertThat(postPng(Cards.png("chara", "***"), token).assertError(400, "BAD_REQUEST").message()).contains("bad base64");
    assertThat(rest.postRaw("/api/characters", "text/plain", "hello", token, Map.of()).assertError(400, "BAD_REQUEST").message())
        .contains("application/json").contains("image/png");
    assertThat(server.count("SELECT COUNT(*) FROM characters WHERE name = 'x'")).isZero();
  }

  @Test
  void tooLargeIs413() throws Exception {
    byte[] big = new byte[chat.nexus.http.HttpApi.CHARACTER_UPLOAD_LIMIT_BYTES + 1];
    System.arraycopy(Cards.png(), 0, big, 0, 8);
    HttpResponse<byte[]> response = postBytes("image/png", big, token());
    assertThat(response.statusCode()).isEqualTo(413);
    Rest.assertErrorShape(new JsonObject(new String(response.body())), "PAYLOAD_TOO_LARGE");
  }

  @Test
  void authIsRequiredToCreateAndToView() throws Exception {
    rest.post("/api/characters", Cards.v2("Anon"), null).assertError(401, "UNAUTHORIZED");
    postPng(Cards.png("chara", Cards.base64(Cards.v2("Anon"))), null).assertError(401, "UNAUTHORIZED");
    String id = create(Cards.v2("Viewed " + UUID.randomUUID()), token()).getString("id");
    rest.get("/api/characters/" + id).assertError(401, "UNAUTHORIZED");
    rest.get("/api/characters/" + id, "not-a-token").assertError(401, "UNAUTHORIZED");
    assertThat(server.count("SELECT COUNT(*) FROM character_views WHERE character_id = ?", id)).isZero();
  }

  @Test
  void unknownCharacterIs404() {
    rest.get("/api/characters/no-such-character", token()).assertError(404, "NOT_FOUND");
    rest.get("/api/characters/no-such-character/avatar").assertError(404, "NOT_FOUND");
  }

  @Test
  void getRecordsAViewAndTheListCountsThem() {
    String creator = token();
    String viewer = token();
    String id = create(Cards.v2("Counted " + UUID.randomUUID()), creator).getString("id");
    JsonObject before = summary(id);
    assertThat(before).isNotNull();
    assertThat(before.getLong("views")).isZero();
    assertThat(before.getString("description")).startsWith("{{char}} is a lighthouse keeper");
    assertThat(before.getJsonArray("tags")).containsExactly("sea", "calm");

    rest.get("/api/characters/" + id, viewer).assertOk(200);
    rest.get("/api/characters/" + id, viewer).assertOk(200);
    rest.get("/api/characters/" + id, creator).assertOk(200);
    assertThat(server.count("SELECT COUNT(*) FROM character_views WHERE character_id = ?", id)).isEqualTo(3);
    assertThat(server.count("SELECT COUNT(*) FROM character_views WHERE character_id = ? AND user_id = ?", id, jwtSub(viewer))).isEqualTo(2);
    assertThat(summary(id).getLong("views")).isEqualTo(3);
  }

  private void execute(String sql, Object... params) throws Exception {
    try (Connection c = server.chatServer().database().connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  @Test
  void invalidateAllDropsTheListAndTheCards() throws Exception {
    String token = token();
    String id = create(Cards.v2("Cached " + UUID.randomUUID()), token).getString("id");
    rest.get("/api/characters/" + id, token).assertOk(200);
    rest.get("/api/characters").assertOk(200);
    JsonObject changed = Cards.v2("Changed behind the cache");
    execute("UPDATE characters SET card = ? WHERE id = ?", changed.encode(), id);
    String sneaky = "sneaky-" + UUID.randomUUID();
    execute("INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        sneaky, "Sneaky", Cards.v2("Sneaky").encode(), "test", OffsetDateTime.now(ZoneOffset.UTC));
    assertThat(rest.get("/api/characters/" + id, token).assertOk(200).getJsonObject("character").getString("name")).startsWith("Cached");
    assertThat(summary(sneaky)).isNull();

    server.chatServer().characters().invalidateAll(); // what a Redis invalidation message will call on every node

    assertThat(rest.get("/api/characters/" + id, token).assertOk(200).getJsonObject("character").getJsonObject("card")).isEqualTo(changed);
    assertThat(summary(sneaky)).isNotNull();
    assertThat(summary(id).getLong("views")).as("views survive a reload: 3 GETs").isEqualTo(3);
  }

  @Test
  void anUnreadableStoredCardIsLeftOutOfTheList() throws Exception {
    String broken = "broken-" + UUID.randomUUID();
    execute("INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        broken, "Broken", "{not a card", "test", OffsetDateTime.now(ZoneOffset.UTC));
    String good = create(Cards.v2("Good " + UUID.randomUUID()), token()).getString("id"); // drops the cache
    assertThat(summary(good)).isNotNull();
    assertThat(summary(broken)).isNull();
    execute("DELETE FROM characters WHERE id = ?", broken);
  }

  @Test
  void listIsCachedAndDroppedOnCreate() throws Exception {
    String token = token();
    create(Cards.v2("First " + UUID.randomUUID()), token);
    rest.get("/api/characters").assertOk(200); // loads the cache
    String sneaky = "sneaky-" + UUID.randomUUID();
    try (Connection c = server.chatServer().database().connection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, sneaky);
      ps.setString(2, "Sneaky");
      ps.setString(3, Cards.v2("Sneaky").encode());
      ps.setString(4, "test");
      ps.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
      ps.executeUpdate();
    }
    assertThat(summary(sneaky)).as("written behind the cache's back: not seen yet").isNull();
    String second = create(Cards.v2("Second " + UUID.randomUUID()), token).getString("id");
    assertThat(summary(sneaky)).as("the create dropped the cache").isNotNull();
    assertThat(summary(second)).isNotNull();
    JsonArray list = rest.get("/api/characters").assertOk(200).getJsonArray("characters");
    assertThat(list.getJsonObject(0).getString("id")).as("newest first").isEqualTo(second);
  }
}
