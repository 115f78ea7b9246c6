package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The card formats besides V2 and V3 as stored: a V1 card (TavernAI: the fields at the top level,
 * no spec) read as V2, and the V2 and V3 forms of a stored card for an export.
 */
final class CardFormats {

  /** The fields of a V1 card, kept as they are in V2's {@code data}. */
  static final List<String> V1_FIELDS =
      List.of("name", "description", "personality", "scenario", "first_mes", "mes_example");

  /** What V3 adds to V2's {@code data}: left out of an exported V2 card. */
  private static final List<String> V3_ONLY =
      List.of(
          "assets",
          "nickname",
          "creator_notes_multilingual",
          "source",
          "group_only_greetings",
          "creation_date",
          "modification_date");

  private CardFormats() {}

  /** Whether a card is V1: no spec, a name at the top level. */
  static boolean isV1(JsonObject card) {
    return !card.containsKey("spec") && !card.containsKey("data") && card.containsKey("name");
  }

  /**
   * A V1 card as V2: its six fields in {@code data} (a field of another type stays, so that the
   * card's checks name it), V2's other fields empty; anything else it carried is left out.
   */
  static JsonObject v1ToV2(JsonObject v1) {
    JsonObject data = new JsonObject();
    for (String field : V1_FIELDS) {
      Object value = v1.getValue(field);
      data.put(field, value == null ? "" : value);
    }
    data.put("creator_notes", "")
        .put("system_prompt", "")
        .put("post_history_instructions", "")
        .put("alternate_greetings", new JsonArray())
        .put("tags", new JsonArray())
        .put("creator", "")
        .put("character_version", "")
        .put("extensions", new JsonObject());
    return new JsonObject()
        .put("spec", CharacterCard.SPEC_V2)
        .put("spec_version", "2.0")
        .put("data", data);
  }

  /** The card as V3 ({@code chara_card_v3}): a V2 card gets V3's required fields. */
  static JsonObject v3(CharacterCard card) {
    JsonObject json = card.toJson();
    if (card.isV3()) {
      return json;
    }
    JsonObject data = json.getJsonObject("data").copy();
    if (!data.containsKey("group_only_greetings")) {
      data.put("group_only_greetings", new JsonArray());
    }
    return new JsonObject()
        .put("spec", CharacterCard.SPEC_V3)
        .put("spec_version", "3.0")
        .put("data", data);
  }

  /**
   * The card as V2 ({@code chara_card_v2}), without V3's own fields, and with V1's fields at the
   * top level too, for readers that know only V1.
   */
  static JsonObject v2(CharacterCard card) {
    JsonObject data = card.toJson().getJsonObject("data").copy();
    V3_ONLY.forEach(data::remove);
    JsonObject v2 = new JsonObject();
    for (String field : V1_FIELDS) {
      v2.put(field, data.getValue(field, ""));
    }
    return v2.put("spec", CharacterCard.SPEC_V2).put("spec_version", "2.0").put("data", data);
  }
}
