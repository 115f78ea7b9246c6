package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The character REST API of the contract; run on each storage backend by the subclasses. */
abstract class CharacterCases extends ServerCases {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private String token() {
    return server.guest("g" + UUID.randomUUID().toString().substring(0, 6)).getString("token");
  }

  private static String jwtSub(String token) {
    String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    return new JsonObject(payload).getString("sub");
  }

  private JsonObject create(JsonObject card, String token) {
    return rest.post("/api/characters?visibility=public", card, token)
        .assertOk(201)
        .getJsonObject("character");
  }

  private HttpResponse<byte[]> postBytes(String contentType, byte[] body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + "/api/characters?visibility=public"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private Rest.Response postPng(byte[] png, String token) throws Exception {
    HttpResponse<byte[]> response = postBytes("image/png", png, token);
    return new Rest.Response(
        response.statusCode(), response.headers(), new String(response.body()));
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
    JsonObject got =
        rest.get("/api/characters/" + created.getString("id"), token)
            .assertOk(200)
            .getJsonObject("character");
    assertThat(got.getJsonObject("card")).isEqualTo(given);
    assertThat(got.getJsonObject("card").getJsonObject("data").getString("creator_notes"))
        .as("for the editor")
        .startsWith("SECRET");
    String stored =
        (String)
            server
                .query("SELECT card FROM characters WHERE id = ?", created.getString("id"))
                .get(0)
                .get("card");
    assertThat(stored).isEqualTo(given.encode());
  }

  @Test
  void v3JsonKeepsEveryField() {
    String token = token();
    JsonObject given = Cards.v3("Keeper3 " + UUID.randomUUID());
    JsonObject created = create(given, token);
    assertThat(created.getString("spec")).isEqualTo("chara_card_v3");
    JsonObject got =
        rest.get("/api/characters/" + created.getString("id"), token)
            .assertOk(200)
            .getJsonObject("character");
    assertThat(got.getJsonObject("card")).isEqualTo(given);
  }

  @Test
  void pngWithCharaAndWithCcv3() throws Exception {
    String token = token();
    JsonObject v2 = Cards.v2("PngV2 " + UUID.randomUUID());
    byte[] png = Cards.png("chara", Cards.base64(v2));
    JsonObject created = postPng(png, token).assertOk(201).getJsonObject("character");
    assertThat(created.getBoolean("hasAvatar")).isTrue();
    assertThat(
            rest.get("/api/characters/" + created.getString("id"), token)
                .assertOk(200)
                .getJsonObject("character")
                .getJsonObject("card"))
        .isEqualTo(v2);
    HttpResponse<byte[]> avatar =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.url() + "/api/characters/" + created.getString("id") + "/avatar"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(avatar.statusCode()).isEqualTo(200);
    assertThat(avatar.headers().firstValue("Content-Type")).hasValue("image/png");
    BufferedImage served = ImageIO.read(new ByteArrayInputStream(avatar.body()));
    assertThat(served.getWidth()).as("re-encoded at its own size").isEqualTo(4);
    assertThat(served.getRGB(1, 1) & 0xffffff).isEqualTo(0xff8800);
    assertThat(new String(avatar.body(), StandardCharsets.ISO_8859_1))
        .as("the served picture carries no card")
        .doesNotContain("chara");
    assertThat(
            (byte[])
                server
                    .query("SELECT avatar FROM characters WHERE id = ?", created.getString("id"))
                    .get(0)
                    .get("avatar"))
        .as("the original PNG, card inside, is kept")
        .isEqualTo(png);
    assertThat(summary(created.getString("id")).getBoolean("hasAvatar")).isTrue();

    JsonObject v3 = Cards.v3("PngV3 " + UUID.randomUUID());
    created =
        postPng(
                Cards.png("chara", Cards.base64(Cards.v2("ignored")), "ccv3", Cards.base64(v3)),
                token)
            .assertOk(201)
            .getJsonObject("character");
    assertThat(created.getString("spec")).isEqualTo("chara_card_v3");
    assertThat(
            rest.get("/api/characters/" + created.getString("id"), token)
                .assertOk(200)
                .getJsonObject("character")
                .getJsonObject("card"))
        .isEqualTo(v3);
  }

  @Test
  void badCardsGetA400SayingWhatIsWrong() throws Exception {
    String token = token();
    assertThat(
            rest.postRaw("/api/characters", "application/json", "{nope", token, Map.of())
                .assertError(400, "BAD_REQUEST")
                .message())
        .contains("not JSON");
    assertThat(
            rest.post(
                    "/api/characters",
                    new JsonObject()
                        .put("spec", "chara_card_v7")
                        .put("data", new JsonObject().put("name", "x")),
                    token)
                .assertError(400, "BAD_REQUEST")
                .message())
        .contains("unknown spec");
    assertThat(
            rest.post(
                    "/api/characters",
                    new JsonObject().put("spec", "chara_card_v2").put("data", new JsonObject()),
                    token)
                .assertError(400, "BAD_REQUEST")
                .message())
        .contains("missing data.name");
    assertThat(postPng(Cards.png(), token).assertError(400, "BAD_REQUEST").message())
        .contains("no card");
    assertThat(postPng("not a png".getBytes(), token).assertError(400, "BAD_REQUEST").message())
        .contains("not a PNG");
    assertThat(postPng(Cards.png("chara", "***"), token).assertError(400, "BAD_REQUEST").message())
        .contains("bad base64");
    assertThat(
            rest.postRaw("/api/characters", "text/plain", "hello", token, Map.of())
                .assertError(400, "BAD_REQUEST")
                .message())
        .contains("application/json")
        .contains("image/png");
    assertThat(server.count("SELECT COUNT(*) FROM characters WHERE name = 'x'")).isZero();
  }

  @Test
  void tooLargeIs413() throws Exception {
    byte[] big = new byte[CharacterRoutes.UPLOAD_LIMIT_BYTES + 1];
    System.arraycopy(Cards.png(), 0, big, 0, 8);
    HttpResponse<byte[]> response = postBytes("image/png", big, token());
    assertThat(response.statusCode()).isEqualTo(413);
    Rest.assertErrorShape(new JsonObject(new String(response.body())), "PAYLOAD_TOO_LARGE");
  }

  @Test
  void authIsRequiredToCreateAndToView() throws Exception {
    rest.post("/api/characters", Cards.v2("Anon"), null).assertError(401, "UNAUTHORIZED");
    postPng(Cards.png("chara", Cards.base64(Cards.v2("Anon"))), null)
        .assertError(401, "UNAUTHORIZED");
    String id = create(Cards.v2("Viewed " + UUID.randomUUID()), token()).getString("id");
    rest.get("/api/characters/" + id).assertError(401, "UNAUTHORIZED");
    rest.get("/api/characters/" + id, "not-a-token").assertError(401, "UNAUTHORIZED");
    assertThat(server.count("SELECT COUNT(*) FROM character_views WHERE character_id = ?", id))
        .isZero();
  }

  @Test
  void unknownCharacterIs404() {
    rest.get("/api/characters/no-such-character", token()).assertError(404, "NOT_FOUND");
    rest.get("/api/characters/no-such-character/avatar").assertError(404, "NOT_FOUND");
  }

  @Test
  void aViewIsCountedOncePerUser() {
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
    rest.get("/api/characters/" + id, viewer).assertOk(200);
    rest.get("/api/characters/" + id, creator).assertOk(200);
    assertThat(server.count("SELECT COUNT(*) FROM character_views WHERE character_id = ?", id))
        .as("one row per user")
        .isEqualTo(2);
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM character_views WHERE character_id = ? AND user_id = ?",
                id,
                jwtSub(viewer)))
        .isEqualTo(1);
    assertThat(summary(id).getLong("views")).isEqualTo(2);
    server.chatServer().characters().invalidateAll();
    assertThat(summary(id).getLong("views")).as("read back from the store").isEqualTo(2);
  }

  private void execute(String sql, Object... params) throws Exception {
    try (Connection c = server.chatServer().database().connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
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
    execute(
        "INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        sneaky,
        "Sneaky",
        Cards.v2("Sneaky").encode(),
        "test",
        OffsetDateTime.now(ZoneOffset.UTC));
    assertThat(
            rest.get("/api/characters/" + id, token)
                .assertOk(200)
                .getJsonObject("character")
                .getString("name"))
        .startsWith("Cached");
    assertThat(summary(sneaky)).isNull();

    server
        .chatServer()
        .characters()
        .invalidateAll(); // what a Redis invalidation message will call on every node

    assertThat(
            rest.get("/api/characters/" + id, token)
                .assertOk(200)
                .getJsonObject("character")
                .getJsonObject("card"))
        .isEqualTo(changed);
    assertThat(summary(sneaky)).isNotNull();
    assertThat(summary(id).getLong("views"))
        .as("views survive a reload: 3 GETs of one user")
        .isEqualTo(1);
  }

  @Test
  void anUnreadableStoredCardIsLeftOutOfTheList() throws Exception {
    String broken = "broken-" + UUID.randomUUID();
    execute(
        "INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        broken,
        "Broken",
        "{not a card",
        "test",
        OffsetDateTime.now(ZoneOffset.UTC));
    String good =
        create(Cards.v2("Good " + UUID.randomUUID()), token()).getString("id"); // drops the cache
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
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO characters (id, name, card, created_by, created_at) VALUES (?, ?, ?, ?, ?)")) {
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

  // ---- limits: bodies, caps, pictures, pages
  // -------------------------------------------------------------

  private static final int JSON_LIMIT = chat.nexus.config.Config.DEFAULT_JSON_LIMIT;

  /** A raw HTTP/1.1 answer. */
  private record Raw(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /**
   * Sends a request's head only, never its body, and reads the answer (as far as its
   * Content-Length): a server that waits for the body does not answer, and this fails after a few
   * seconds.
   */
  private Raw headOnly(String method, String path, Map<String, String> headers) throws Exception {
    StringBuilder head =
        new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (SocketTimeoutException e) {
          throw new AssertionError(
              "no answer while the body was not sent (got: "
                  + got.toString(StandardCharsets.ISO_8859_1)
                  + ")");
        }
        if (n < 0) {
          throw new AssertionError(
              "closed without a complete answer: " + got.toString(StandardCharsets.ISO_8859_1));
        }
        got.write(buffer, 0, n);
        String text = got.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
          continue;
        }
        Matcher length =
            Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, end));
        if (length.find() && got.size() >= end + 4 + Integer.parseInt(length.group(1))) {
          String body =
              new String(
                  got.toByteArray(),
                  end + 4,
                  Integer.parseInt(length.group(1)),
                  StandardCharsets.UTF_8);
          return new Raw(Integer.parseInt(text.substring(9, 12)), body);
        }
      }
    }
  }

  @Test
  void aJsonCardOverJsonLimitIsRefusedBeforeItsBodyIsRead() throws Exception {
    String token = token();
    Raw declared =
        headOnly(
            "POST",
            "/api/characters",
            Map.of(
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json",
                "Content-Length",
                String.valueOf(JSON_LIMIT + 1)));
    assertThat(declared.status()).isEqualTo(413);
    Rest.assertErrorShape(declared.json(), "PAYLOAD_TOO_LARGE");

    JsonObject big = Cards.v2("Big " + UUID.randomUUID());
    big.getJsonObject("data").getJsonObject("extensions").put("padding", "p".repeat(JSON_LIMIT));
    rest.post("/api/characters", big, token).assertError(413, "PAYLOAD_TOO_LARGE");
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM characters WHERE name = ?",
                big.getJsonObject("data").getString("name")))
        .isZero();
    rest.post("/api/characters", Cards.v2("Fine " + UUID.randomUUID()), token).assertOk(201);
  }

  @Test
  void aPngBodyIsReadOnlyAfterItsCallerIsKnown() throws Exception {
    Map<String, String> png =
        Map.of("Content-Type", "image/png", "Content-Length", String.valueOf(2 * 1024 * 1024));
    Rest.assertErrorShape(headOnly("POST", "/api/characters", png).json(), "UNAUTHORIZED");
    Map<String, String> badToken = new java.util.HashMap<>(png);
    badToken.put("Authorization", "Bearer not-a-token");
    Raw refused = headOnly("POST", "/api/characters", badToken);
    assertThat(refused.status()).isEqualTo(401);
    Map<String, String> tooLarge = new java.util.HashMap<>(png);
    tooLarge.put("Content-Length", String.valueOf(CharacterRoutes.UPLOAD_LIMIT_BYTES + 1));
    Raw large = headOnly("POST", "/api/characters", tooLarge);
    assertThat(large.status()).isEqualTo(413);
    Rest.assertErrorShape(large.json(), "PAYLOAD_TOO_LARGE");
    assertThat(
            postPng(
                    Cards.png("chara", Cards.base64(Cards.v2("After " + UUID.randomUUID()))),
                    token())
                .status())
        .isEqualTo(201);
  }

  private JsonObject withData(String field, Object value) {
    JsonObject card = Cards.v2("Capped " + UUID.randomUUID());
    card.getJsonObject("data").put(field, value);
    return card;
  }

  private JsonObject withBookEntries(JsonArray entries, int scanDepth) {
    JsonObject card = Cards.v2("Book " + UUID.randomUUID());
    card.getJsonObject("data")
        .getJsonObject("character_book")
        .put("entries", entries)
        .put("scan_depth", scanDepth);
    return card;
  }

  private static JsonArray entries(int count, int keysEach, int keyLength) {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < count; i++) {
      JsonArray keys = new JsonArray();
      for (int k = 0; k < keysEach; k++) {
        String key = "k" + i + "-" + k + "-";
        keys.add(key + "x".repeat(Math.max(0, keyLength - key.length())));
      }
      entries.add(new JsonObject().put("keys", keys).put("content", "lore " + i));
    }
    return entries;
  }

  private void refusedAsTooLarge(JsonObject card, String token, String says) {
    assertThat(
            rest.post("/api/characters", card, token)
                .assertError(413, "PAYLOAD_TOO_LARGE")
                .message())
        .contains(says);
  }

  @Test
  void cardsOverTheCapsAreRefusedAndCardsAtThemAccepted() throws Exception {
    String token = token();
    JsonArray tags = new JsonArray();
    for (int i = 0; i < CardLimits.MAX_TAGS; i++) {
      tags.add(("tag" + i + "-").repeat(20).substring(0, CardLimits.MAX_TAG_CHARS));
    }
    String atTheCaps = create(withData("tags", tags), token).getString("id");
    refusedAsTooLarge(withData("tags", tags.copy().add("one-more")), token, "tags");
    refusedAsTooLarge(
        withData("tags", new JsonArray().add("t".repeat(CardLimits.MAX_TAG_CHARS + 1))),
        token,
        "tag");
    refusedAsTooLarge(
        withData("description", "d".repeat(CardLimits.MAX_FIELD_CHARS + 1)),
        token,
        "data.description");
    refusedAsTooLarge(
        withData("creator", "c".repeat(CardLimits.MAX_SHORT_FIELD_CHARS + 1)),
        token,
        "data.creator");
    refusedAsTooLarge(
        withBookEntries(entries(CardLimits.MAX_LORE_ENTRIES + 1, 1, 4), 4), token, "entries");
    refusedAsTooLarge(
        withBookEntries(entries(1, CardLimits.MAX_KEYS_PER_ENTRY + 1, 8), 4), token, "keys");
    refusedAsTooLarge(
        withBookEntries(entries(1, 1, CardLimits.MAX_KEY_CHARS + 1), 4), token, "key longer");
    refusedAsTooLarge(
        withBookEntries(entries(1, 1, 8), CardLimits.MAX_SCAN_DEPTH + 1), token, "scan_depth");
    create(
        withBookEntries(
            entries(20, CardLimits.MAX_KEYS_PER_ENTRY, CardLimits.MAX_KEY_CHARS),
            CardLimits.MAX_SCAN_DEPTH),
        token);

    JsonObject huge = Cards.v2("Huge " + UUID.randomUUID());
    huge.getJsonObject("data")
        .getJsonObject("extensions")
        .put("padding", "p".repeat(CardLimits.MAX_CARD_BYTES));
    assertThat(
            postPng(Cards.png("ccv3", Cards.base64(huge)), token)
                .assertError(413, "PAYLOAD_TOO_LARGE")
                .message())
        .contains(String.valueOf(CardLimits.MAX_CARD_BYTES));
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM characters WHERE name LIKE 'Huge %' OR name LIKE 'Capped %'"))
        .as("only the card at the caps")
        .isEqualTo(1);

    JsonObject line = summary(atTheCaps);
    assertThat(line.getJsonArray("tags")).hasSize(CardLimits.MAX_TAGS);
  }

  @Test
  void theListIsPagedWithACursor() {
    String token = token();
    String first = create(Cards.v2("Page A " + UUID.randomUUID()), token).getString("id");
    String second = create(Cards.v2("Page B " + UUID.randomUUID()), token).getString("id");
    String third = create(Cards.v2("Page C " + UUID.randomUUID()), token).getString("id");
    JsonObject page = rest.get("/api/characters?limit=2").assertOk(200);
    assertThat(page.getJsonArray("characters").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactly(third, second);
    assertThat(page.getString("nextBefore")).isEqualTo(second);
    JsonObject next = rest.get("/api/characters?limit=2&before=" + second).assertOk(200);
    assertThat(next.getJsonArray("characters").getJsonObject(0).getString("id")).isEqualTo(first);
    assertThat(next.getJsonArray("characters").getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder(
            "id", "name", "description", "tags", "creator", "hasAvatar", "views", "createdAt");
    assertThat(rest.get("/api/characters").assertOk(200).getJsonArray("characters").size())
        .isLessThanOrEqualTo(Characters.DEFAULT_PAGE_SIZE);
    assertThat(
            rest.get("/api/characters?before=no-such-character")
                .assertOk(200)
                .getJsonArray("characters"))
        .isEmpty();
    rest.get("/api/characters?limit=0").assertError(400, "BAD_REQUEST");
    rest.get("/api/characters?limit=" + (Characters.MAX_PAGE_SIZE + 1))
        .assertError(400, "BAD_REQUEST");
    rest.get("/api/characters?limit=ten").assertError(400, "BAD_REQUEST");
  }

  private HttpResponse<byte[]> avatarOf(String id) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/api/characters/" + id + "/avatar"))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void anAvatarIsServedAsAThumbnailAndAnImageBombIsRefused() throws Exception {
    String token = token();
    byte[] wide =
        Cards.picture(1600, 900, "chara", Cards.base64(Cards.v2("Wide " + UUID.randomUUID())));
    String id = postPng(wide, token).assertOk(201).getJsonObject("character").getString("id");
    HttpResponse<byte[]> avatar = avatarOf(id);
    assertThat(avatar.statusCode()).isEqualTo(200);
    BufferedImage served = ImageIO.read(new ByteArrayInputStream(avatar.body()));
    assertThat(served.getWidth()).isEqualTo(512);
    assertThat(served.getHeight()).isEqualTo(288);
    assertThat(
            PngCard.read(
                    (byte[])
                        server
                            .query("SELECT avatar FROM characters WHERE id = ?", id)
                            .get(0)
                            .get("avatar"))
                .name())
        .as("the card in the original PNG stays readable")
        .startsWith("Wide ");

    String name = "Bomb " + UUID.randomUUID();
    byte[] bomb = Cards.bomb(20_000, 20_000, "chara", Cards.base64(Cards.v2(name)));
    assertThat(bomb.length).as("a small file").isLessThan(500_000);
    assertThat(postPng(bomb, token).assertError(413, "PAYLOAD_TOO_LARGE").message())
        .contains("20000 x 20000");
    assertThat(server.count("SELECT COUNT(*) FROM characters WHERE name = ?", name)).isZero();
  }

  @Test
  void anAvatarStoredBeforeThumbnailsGetsOneAndATooLargeOneIsNotServed() throws Exception {
    String small = "legacy-" + UUID.randomUUID();
    String large = "legacy-" + UUID.randomUUID();
    execute(
        "INSERT INTO characters (id, name, card, created_by, created_at, avatar) VALUES (?, ?, ?, ?, ?, ?)",
        small,
        "Legacy",
        Cards.v2("Legacy").encode(),
        "test",
        OffsetDateTime.now(ZoneOffset.UTC),
        Cards.picture(1200, 1200));
    execute(
        "INSERT INTO characters (id, name, card, created_by, created_at, avatar) VALUES (?, ?, ?, ?, ?, ?)",
        large,
        "Legacy bomb",
        Cards.v2("Legacy bomb").encode(),
        "test",
        OffsetDateTime.now(ZoneOffset.UTC),
        Cards.bomb(20_000, 20_000));
    BufferedImage served = ImageIO.read(new ByteArrayInputStream(avatarOf(small).body()));
    assertThat(served.getWidth()).isEqualTo(512);
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM characters WHERE id = ? AND avatar_thumbnail IS NOT NULL",
                small))
        .isEqualTo(1);
    assertThat(avatarOf(large).statusCode()).isEqualTo(404);
    execute("DELETE FROM characters WHERE id IN (?, ?)", small, large);
  }

  @Test
  void cardsAreCachedByTheirBytes() throws Exception {
    String token = token();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      JsonObject card = Cards.v2("Heavy " + i + " " + UUID.randomUUID());
      card.getJsonObject("data").put("description", "heavy ".repeat(16_000));
      ids.add(create(card, token).getString("id"));
    }
    var vertx = server.chatServer().vertx();
    chat.nexus.store.Blocking blocking = new chat.nexus.store.Blocking(vertx, "cache-test", 2);
    try {
      long budget = 1L << 20;
      Characters cache =
          new Characters(
              vertx,
              new CharacterStore(server.chatServer().database()),
              blocking,
              Characters.TTL,
              budget);
      for (String id : ids) {
        Waits.get(cache.get(id).toCompletionStage().toCompletableFuture(), "a card");
        assertThat(cache.cachedBytes())
            .as("bytes held after loading %s", id)
            .isLessThanOrEqualTo(budget);
      }
      assertThat(cache.cachedBytes())
          .as("a 100 KB card weighs its bytes (several times), not one entry")
          .isGreaterThan(300_000);
    } finally {
      blocking.close();
    }
  }

  @Test
  void idsLongerThanACharacterIdAreNotFoundAndNeverCached() throws Exception {
    var vertx = server.chatServer().vertx();
    chat.nexus.store.Blocking blocking = new chat.nexus.store.Blocking(vertx, "cache-test", 2);
    try {
      Characters cache =
          new Characters(vertx, new CharacterStore(server.chatServer().database()), blocking);
      for (int i = 0; i < 20; i++) {
        String id = i + "x".repeat(4_000);
        assertThat(cache.avatar(id, null).toCompletionStage().toCompletableFuture())
            .failsWithin(java.time.Duration.ofSeconds(10))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOfSatisfying(
                chat.nexus.errors.ApiException.class,
                e -> assertThat(e.code()).isEqualTo(chat.nexus.errors.ErrorCode.NOT_FOUND));
      }
      // an anonymous GET per id kept each 4 KB key for minutes, weighed as 200 bytes
      assertThat(cache.cachedBytes()).isZero();
    } finally {
      blocking.close();
    }
    rest.get("/api/characters/" + "x".repeat(4_000) + "/avatar").assertError(404, "NOT_FOUND");
  }
}
