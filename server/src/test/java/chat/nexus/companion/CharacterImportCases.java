package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Importing cards over REST in every format (V1, V2 and V3 JSON, PNG, CHARX) as a raw body and as a
 * multipart form, the refusals (zip bombs among them), and exporting them as V3 JSON and as a PNG
 * carrying V2 and V3: an export imported again gives the same card. Run on each storage backend by
 * the subclasses.
 */
abstract class CharacterImportCases extends ServerCases {

  private CharacterHttp http;

  @BeforeEach
  void client() {
    http = new CharacterHttp(server.url());
  }

  private String token() {
    return server.guest("i" + UUID.randomUUID().toString().substring(0, 6)).getString("token");
  }

  private static JsonObject v1(String name) {
    return new JsonObject()
        .put("name", name)
        .put("description", "{{char}} runs the night ferry.")
        .put("personality", "gruff")
        .put("scenario", "The last crossing.")
        .put("first_mes", "Tickets, {{user}}.")
        .put("mes_example", "<START>\n{{user}}: Hi\n{{char}}: Ticket.")
        .put("chat", "dropped-by-import");
  }

  private JsonObject card(Rest.Response created, String token) {
    String id = created.assertOk(201).getJsonObject("character").getString("id");
    return rest.get("/api/characters/" + id, token).assertOk(200).getJsonObject("character");
  }

  @Test
  void aV1CardIsImportedAsV2AsJsonAndAsAForm() {
    String token = token();
    String name = "Ferryman " + UUID.randomUUID();
    JsonObject raw = card(rest.post("/api/characters", v1(name), token), token);
    assertThat(raw.getString("spec")).isEqualTo("chara_card_v2");
    JsonObject data = raw.getJsonObject("card").getJsonObject("data");
    assertThat(data.getString("name")).isEqualTo(name);
    assertThat(data.getString("first_mes")).isEqualTo("Tickets, {{user}}.");
    assertThat(data.getString("mes_example")).startsWith("<START>");
    assertThat(raw.getJsonObject("card").containsKey("chat")).isFalse();

    byte[] file = v1(name).encode().getBytes(StandardCharsets.UTF_8);
    JsonObject form =
        card(
            http.form(
                "/api/characters",
                "ferry.json",
                "application/json",
                file,
                Map.of("visibility", "unlisted"),
                token),
            token);
    assertThat(form.getString("visibility")).isEqualTo("unlisted");
    assertThat(form.getJsonObject("card").getJsonObject("data").getString("scenario"))
        .isEqualTo("The last crossing.");
  }

  @Test
  void pngCardsV2AndV3PreferTheCcv3Chunk() {
    String token = token();
    JsonObject v2 = Cards.v2("Two " + UUID.randomUUID());
    JsonObject v3 = Cards.v3("Three " + UUID.randomUUID());
    byte[] both = Cards.png("chara", Cards.base64(v2), "ccv3", Cards.base64(v3));
    JsonObject imported =
        card(http.form("/api/characters", "both.png", "image/png", both, Map.of(), token), token);
    assertThat(imported.getJsonObject("card")).isEqualTo(v3);
    assertThat(imported.getBoolean("hasAvatar")).isTrue();
    JsonObject onlyV2 =
        card(
            http.send(
                "POST",
                "/api/characters",
                "image/png",
                Cards.png("chara", Cards.base64(v2)),
                token),
            token);
    assertThat(onlyV2.getJsonObject("card")).isEqualTo(v2);
  }

  @Test
  void aCharxIsImportedWithItsIconAsAFormAndAsARawBody() throws Exception {
    String token = token();
    JsonObject v3 =
        withIcon(Cards.v3("Zipped " + UUID.randomUUID()), "assets/icon/images/main.png");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("assets/other/images/sprite.png", Cards.png());
    files.put("assets/icon/images/main.png", Cards.picture(64, 64));
    files.put("card.json", v3.encode().getBytes(StandardCharsets.UTF_8));
    byte[] charx = zip(files, Deflater.DEFAULT_COMPRESSION);

    JsonObject form =
        card(http.form("/api/characters", "zipped.charx", null, charx, Map.of(), token), token);
    assertThat(form.getJsonObject("card")).isEqualTo(v3);
    assertThat(form.getBoolean("hasAvatar")).isTrue();
    assertThat(
            http.send(
                    "GET", "/api/characters/" + form.getString("id") + "/avatar", null, null, token)
                .status())
        .isEqualTo(200);

    JsonObject raw =
        card(http.send("POST", "/api/characters", "application/zip", charx, token), token);
    assertThat(raw.getJsonObject("card")).isEqualTo(v3);
    Map<String, byte[]> noIcon = Map.of("card.json", Cards.v2("Bare").encode().getBytes());
    assertThat(
            card(
                    http.send(
                        "POST",
                        "/api/characters",
                        "application/octet-stream",
                        zip(noIcon, Deflater.DEFAULT_COMPRESSION),
                        token),
                    token)
                .getBoolean("hasAvatar"))
        .isFalse();
  }

  @Test
  void charxBombsAndBrokenZipsAreRefused() throws Exception {
    String token = token();
    Map<String, byte[]> bomb = new LinkedHashMap<>();
    bomb.put("card.json", Cards.v2("Bomb").encode().getBytes());
    bomb.put("assets/zeros.bin", new byte[40 << 20]);
    http.send(
            "POST",
            "/api/characters",
            "application/zip",
            zip(bomb, Deflater.BEST_COMPRESSION),
            token)
        .assertError(413, "PAYLOAD_TOO_LARGE");

    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i <= CharxCard.MAX_ENTRIES; i++) {
      many.put("assets/f" + i + ".txt", new byte[] {1});
    }
    http.send(
            "POST",
            "/api/characters",
            "application/zip",
            zip(many, Deflater.DEFAULT_COMPRESSION),
            token)
        .assertError(413, "PAYLOAD_TOO_LARGE");

    http.send(
            "POST",
            "/api/characters",
            "application/zip",
            zip(Map.of("readme.txt", "hi".getBytes()), Deflater.DEFAULT_COMPRESSION),
            token)
        .assertError(400, "BAD_REQUEST");
    byte[] broken = zip(Map.of("card.json", Cards.v2("X").encode().getBytes()), 9);
    broken[broken.length / 2] ^= 0x55;
    broken[broken.length / 2 + 1] ^= 0x55;
    assertThat(http.send("POST", "/api/characters", "application/zip", broken, token).status())
        .isEqualTo(400);
    http.form("/api/characters", "x.json", "application/json", new byte[0], Map.of(), token)
        .assertError(400, "BAD_REQUEST");
    http.send(
            "POST",
            "/api/characters",
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n"
                .getBytes(),
            token)
        .assertError(400, "BAD_REQUEST");
    http.form(
            "/api/characters",
            "big.png",
            "image/png",
            new byte[CharacterRoutes.UPLOAD_LIMIT_BYTES + 1],
            Map.of(),
            token)
        .assertError(413, "PAYLOAD_TOO_LARGE");
    http.form(
            "/api/characters",
            "v.json",
            "application/json",
            v1("V").encode().getBytes(),
            Map.of("visibility", "everyone"),
            token)
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void anExportedJsonIsV3AndImportsAsTheSameCard() {
    String token = token();
    JsonObject v2 = Cards.v2("Exported " + UUID.randomUUID());
    String id = card(rest.post("/api/characters", v2, token), token).getString("id");
    Rest.Response export = rest.get("/api/characters/" + id + "/export?format=json", token);
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Disposition")).contains("attachment").contains(".json");
    JsonObject v3 = export.json();
    assertThat(v3.getString("spec")).isEqualTo("chara_card_v3");
    assertThat(v3.getJsonObject("data").getJsonArray("group_only_greetings")).isEmpty();
    JsonObject back = card(rest.post("/api/characters", v3, token), token);
    assertThat(back.getJsonObject("card")).isEqualTo(v3);
    JsonObject expected =
        v2.getJsonObject("data").copy().put("group_only_greetings", new JsonArray());
    assertThat(back.getJsonObject("card").getJsonObject("data")).isEqualTo(expected);
    rest.get("/api/characters/" + id + "/export?format=gif", token).assertError(400, "BAD_REQUEST");
    rest.get("/api/characters/" + id + "/export?format=json").assertError(401, "UNAUTHORIZED");
  }

  @Test
  void anExportedPngCarriesV2AndV3AndImportsAsTheSameCard() {
    String token = token();
    JsonObject v3 = Cards.v3("Portrait " + UUID.randomUUID());
    for (byte[] upload :
        new byte[][] {
          Cards.picture(32, 32, "ccv3", Cards.base64(v3), "chara", Cards.base64(Cards.v2("Old"))),
          null
        }) {
      JsonObject created =
          upload == null
              ? card(rest.post("/api/characters", v3, token), token)
              : card(http.send("POST", "/api/characters", "image/png", upload, token), token);
      Rest.Response export =
          http.send(
              "GET",
              "/api/characters/" + created.getString("id") + "/export?format=png",
              null,
              null,
              token);
      assertThat(export.status()).isEqualTo(200);
      assertThat(export.header("Content-Type")).isEqualTo("image/png");
      byte[] png = CharacterHttp.bytes(export);
      Map<String, JsonObject> chunks = cardChunks(png);
      assertThat(chunks).containsOnlyKeys("chara", "ccv3");
      assertThat(chunks.get("ccv3")).isEqualTo(v3);
      assertThat(chunks.get("chara").getString("spec")).isEqualTo("chara_card_v2");
      assertThat(chunks.get("chara").getJsonObject("data").getString("name"))
          .isEqualTo(v3.getJsonObject("data").getString("name"));
      assertThat(chunks.get("chara").getJsonObject("data").containsKey("assets")).isFalse();
      JsonObject back = card(http.send("POST", "/api/characters", "image/png", png, token), token);
      assertThat(back.getJsonObject("card")).isEqualTo(v3);
      assertThat(back.getBoolean("hasAvatar")).isTrue();
    }
  }

  private static JsonObject withIcon(JsonObject v3, String path) {
    v3.getJsonObject("data")
        .put(
            "assets",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("type", "icon")
                        .put("uri", "embeded://" + path)
                        .put("name", "main")
                        .put("ext", "png")));
    return v3;
  }

  private static byte[] zip(Map<String, byte[]> files, int level) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(level);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** The tEXt chunks of a PNG, read here by hand: keyword to the card its base64 holds. */
  private static Map<String, JsonObject> cardChunks(byte[] png) {
    Map<String, JsonObject> found = new LinkedHashMap<>();
    ByteBuffer buffer = ByteBuffer.wrap(png);
    buffer.position(8);
    while (buffer.remaining() >= 12) {
      int length = buffer.getInt();
      byte[] type = new byte[4];
      buffer.get(type);
      byte[] data = new byte[length];
      buffer.get(data);
      buffer.getInt();
      if ("tEXt".equals(new String(type, StandardCharsets.ISO_8859_1))) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int zero = text.indexOf('\0');
        found.put(
            text.substring(0, zero),
            new JsonObject(
                new String(
                    Base64.getDecoder().decode(text.substring(zero + 1)), StandardCharsets.UTF_8)));
      }
    }
    return found;
  }
}
