package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CharacterCardTest {

  private static String refused(Runnable parse) {
    ApiException e = catchThrowableOfType(ApiException.class, parse::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e.getMessage();
  }

  private static String refusedJson(String json) {
    return refused(() -> CharacterCard.parse(json));
  }

  @Test
  void v2KeepsEveryFieldAsGiven() {
    JsonObject given = Cards.v2("Keeper");
    CharacterCard card = CharacterCard.parse(given.encode());
    assertThat(card.json()).isEqualTo(given.encode());
    assertThat(card.toJson()).isEqualTo(given);
    assertThat(card.spec()).isEqualTo("chara_card_v2");
    assertThat(card.isV3()).isFalse();
    assertThat(card.name()).isEqualTo("Keeper");
    assertThat(card.personality()).isEqualTo("calm, dry humour");
    assertThat(card.scenario()).isEqualTo("A stormy night at the lighthouse.");
    assertThat(card.firstMessage()).isEqualTo("Ahoy, {{user}}. Mind the stairs.");
    assertThat(card.postHistoryInstructions()).isEqualTo("Reply in two sentences at most.");
    assertThat(card.tags()).containsExactly("sea", "calm");
    assertThat(card.alternateGreetings()).containsExactly("Another night, another storm.");
    assertThat(card.creator()).isEqualTo("tester");
    assertThat(card.characterBook().getJsonArray("entries")).hasSize(1);
    assertThat(
            card.toJson()
                .getJsonObject("data")
                .getJsonObject("extensions")
                .getJsonObject("unknown_tool"))
        .isEqualTo(
            new JsonObject()
                .put("nested", new JsonArray().add(1).add(2.5).add("three").add(true).addNull()));
  }

  @Test
  void v3KeepsEveryFieldAsGiven() {
    JsonObject given = Cards.v3("Keeper3");
    CharacterCard card = CharacterCard.parse(given.encode());
    assertThat(card.isV3()).isTrue();
    assertThat(card.toJson()).isEqualTo(given);
    JsonObject data = card.toJson().getJsonObject("data");
    assertThat(data.getString("nickname")).isEqualTo("Kee");
    assertThat(data.getJsonArray("assets")).hasSize(1);
    assertThat(data.getJsonObject("creator_notes_multilingual").getString("fr"))
        .isEqualTo("notes en français");
    assertThat(data.getJsonArray("group_only_greetings")).containsExactly("Hello, all of you.");
    assertThat(data.getLong("creation_date")).isEqualTo(1700000000L);
    assertThat(data.getString("future_field")).isEqualTo("kept as given");
  }

  @Test
  void aByteOrderMarkIsAccepted() {
    byte[] json = ("\uFEFF" + Cards.v2("Bom").encode()).getBytes(StandardCharsets.UTF_8);
    assertThat(CharacterCard.parse(json, "the card").name()).isEqualTo("Bom");
  }

  @Test
  void pngWithChara() {
    JsonObject given = Cards.v2("PngKeeper");
    CharacterCard card = PngCard.read(Cards.png("chara", Cards.base64(given)));
    assertThat(card.toJson()).isEqualTo(given);
  }

  @Test
  void pngWithCcv3() {
    JsonObject given = Cards.v3("PngKeeper3");
    CharacterCard card = PngCard.read(Cards.png("ccv3", Cards.base64(given)));
    assertThat(card.toJson()).isEqualTo(given);
  }

  @Test
  void pngPrefersCcv3OverChara() {
    CharacterCard card =
        PngCard.read(
            Cards.png(
                "chara", Cards.base64(Cards.v2("Old")), "ccv3", Cards.base64(Cards.v3("New"))));
    assertThat(card.name()).isEqualTo("New");
    assertThat(card.isV3()).isTrue();
    card =
        PngCard.read(
            Cards.png(
                "ccv3", Cards.base64(Cards.v3("New")), "chara", Cards.base64(Cards.v2("Old"))));
    assertThat(card.name()).isEqualTo("New");
  }

  @Test
  void badJsonCardsAreRefusedWithAReason() {
    assertThat(refusedJson("")).contains("empty");
    assertThat(refusedJson("{not json")).contains("not JSON");
    assertThat(refusedJson("[1,2]")).contains("not a JSON object");
    assertThat(refusedJson("{\"data\":{\"name\":\"x\"}}")).contains("no \"spec\"");
    assertThat(refusedJson("{\"spec\":\"chara_card_v9\",\"data\":{\"name\":\"x\"}}"))
        .contains("unknown spec")
        .contains("chara_card_v9");
    assertThat(refusedJson("{\"spec\":\"chara_card_v2\"}")).contains("no \"data\"");
    assertThat(refusedJson("{\"spec\":\"chara_card_v2\",\"data\":\"x\"}"))
        .contains("\"data\" must be an object");
    assertThat(refusedJson("{\"spec\":\"chara_card_v2\",\"data\":{}}"))
        .contains("missing data.name");
    assertThat(refusedJson("{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\" \"}}"))
        .contains("data.name");
    assertThat(
            refusedJson(
                "{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"" + "x".repeat(201) + "\"}}"))
        .contains("longer than 200");
    assertThat(refusedJson("{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"x\",\"tags\":\"a\"}}"))
        .contains("data.tags must be an array");
    assertThat(
            refusedJson("{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"x\",\"description\":5}}"))
        .contains("data.description must be a string");
    assertThat(
            refusedJson(
                "{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"x\",\"character_book\":{\"entries\":{}}}}"))
        .contains("character_book.entries must be an array");
    assertThat(
            refused(
                () -> CharacterCard.parse(new byte[] {(byte) 0xff, (byte) 0xfe, '{'}, "the card")))
        .contains("UTF-8");
  }

  @Test
  void badPngsAreRefusedWithAReason() {
    assertThat(refused(() -> PngCard.read("{\"spec\":1}".getBytes(StandardCharsets.UTF_8))))
        .contains("not a PNG");
    assertThat(refused(() -> PngCard.read(Cards.png())))
        .contains("no card")
        .contains("chara")
        .contains("ccv3");
    assertThat(refused(() -> PngCard.read(Cards.png("Comment", "hello")))).contains("no card");
    assertThat(refused(() -> PngCard.read(Cards.png("chara", "!!!not base64!!!"))))
        .contains("bad base64")
        .contains("chara");
    assertThat(refused(() -> PngCard.read(Cards.png("ccv3", "%%%"))))
        .contains("bad base64")
        .contains("ccv3");
    assertThat(
            refused(
                () ->
                    PngCard.read(
                        Cards.png(
                            "chara",
                            java.util.Base64.getEncoder().encodeToString("nope".getBytes())))))
        .contains("chara chunk")
        .contains("not JSON");
    assertThat(
            refused(
                () ->
                    PngCard.read(
                        Cards.png(
                            "ccv3",
                            Cards.base64(
                                new JsonObject()
                                    .put("spec", "chara_card_v3")
                                    .put("data", new JsonObject()))))))
        .contains("ccv3 chunk")
        .contains("missing data.name");

    byte[] good = Cards.png("chara", Cards.base64(Cards.v2("X")));
    byte[] corrupt = good.clone();
    corrupt[45] ^= 0x01; // inside the tEXt chunk's data (IHDR ends at byte 33)
    assertThat(refused(() -> PngCard.read(corrupt))).contains("bad CRC");
    byte[] truncated = Arrays.copyOf(good, 60);
    assertThat(refused(() -> PngCard.read(truncated))).contains("truncated");
  }
}
