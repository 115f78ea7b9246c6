package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Character Card V2 ({@code chara_card_v2}) or V3 ({@code chara_card_v3}); a V1 card (TavernAI,
 * no spec) is imported as V2 ({@link CardFormats#v1ToV2}). The card is kept exactly as given:
 * {@link #json()} is the original text (every field, unknown {@code extensions} included), and the
 * typed accessors read the few fields the prompt needs, taken out once when the card is read (the
 * parsed tree is not kept: it weighs several times the text). {@code creator_notes} has no accessor
 * on purpose: it is for people browsing cards, never for a prompt.
 *
 * <p>An import ({@link #parse}) must respect {@link CardLimits}; a card read back from the store
 * ({@link #stored}) is only clamped to them, so that cards stored before a cap keep working.
 */
public final class CharacterCard {

  public static final String SPEC_V2 = "chara_card_v2";
  public static final String SPEC_V3 = "chara_card_v3";

  /** Longest character name (the column is VARCHAR(200)). */
  static final int MAX_NAME = 200;

  static final List<String> STRING_FIELDS =
      List.of(
          "name",
          "description",
          "personality",
          "scenario",
          "first_mes",
          "mes_example",
          "creator_notes",
          "system_prompt",
          "post_history_instructions",
          "creator",
          "character_version",
          "nickname");
  private static final List<String> ARRAY_FIELDS =
      List.of("alternate_greetings", "tags", "group_only_greetings", "assets");
  private static final List<String> OBJECT_FIELDS =
      List.of("character_book", "extensions", "creator_notes_multilingual");

  private final String json;
  private final String spec;
  private final String name;
  private final String description;
  private final String personality;
  private final String scenario;
  private final String firstMessage;
  private final String messageExamples;
  private final String systemPrompt;
  private final String postHistoryInstructions;
  private final String creator;
  private final List<String> tags;
  private final List<String> alternateGreetings;
  private final Lorebook lorebook;

  private CharacterCard(String json, JsonObject card) {
    JsonObject data = card.getJsonObject("data");
    this.json = json;
    this.spec = card.getString("spec");
    this.name = data.getString("name");
    this.description = text(data, "description");
    this.personality = text(data, "personality");
    this.scenario = text(data, "scenario");
    this.firstMessage = text(data, "first_mes");
    this.messageExamples = text(data, "mes_example");
    this.systemPrompt = text(data, "system_prompt");
    this.postHistoryInstructions = text(data, "post_history_instructions");
    this.creator = text(data, "creator");
    this.tags = List.copyOf(strings(data.getJsonArray("tags")));
    this.alternateGreetings = List.copyOf(strings(data.getJsonArray("alternate_greetings")));
    this.lorebook = Lorebook.of(data.getJsonObject("character_book"));
  }

  /**
   * Parses and checks an imported card from its JSON text; a bad card is a BAD_REQUEST
   * (PAYLOAD_TOO_LARGE over a cap) saying what is wrong.
   */
  public static CharacterCard parse(String json) {
    return parse(json, "the card");
  }

  /** Parses an imported card from UTF-8 bytes (a request body). */
  public static CharacterCard parse(byte[] utf8, String what) {
    if (utf8.length > CardLimits.MAX_CARD_BYTES) {
      throw CardLimits.tooLarge(
          what + " is " + utf8.length + " bytes; at most " + CardLimits.MAX_CARD_BYTES);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(what + " is not valid UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte order mark some editors write
    }
    return read(text, what, true);
  }

  static CharacterCard parse(String json, String what) {
    if (json != null
        && json.length() > CardLimits.MAX_CARD_BYTES / 3
        && utf8Length(json) > CardLimits.MAX_CARD_BYTES) {
      throw CardLimits.tooLarge(what + " is over " + CardLimits.MAX_CARD_BYTES + " bytes");
    }
    return read(json, what, true);
  }

  /** A card as stored: the same checks of its shape, but clamped to the caps instead of refused. */
  static CharacterCard stored(String json) {
    return read(json, "the stored card", false);
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  private static CharacterCard read(String json, String what, boolean imported) {
    JsonObject card = jsonObject(json, what);
    if (imported && CardFormats.isV1(card)) {
      card = CardFormats.v1ToV2(card);
      json = card.encode();
    }
    checkSpec(card, what);
    JsonObject data = data(card, what);
    checkName(data, what);
    checkFieldTypes(data, what);
    checkLorebook(data.getJsonObject("character_book"), what);
    if (imported) {
      CardLimits.check(data, what);
    }
    return new CharacterCard(json, card);
  }

  private static JsonObject jsonObject(String json, String what) {
    if (json == null || json.isBlank()) {
      throw ApiException.badRequest(what + " is empty: send a Character Card V1, V2 or V3 as JSON");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(json);
      if (!(value instanceof JsonObject object)) {
        throw ApiException.badRequest(what + " is not a JSON object");
      }
      return object;
    } catch (DecodeException e) {
      throw ApiException.badRequest(what + " is not JSON: " + shortReason(e));
    }
  }

  private static void checkSpec(JsonObject card, String what) {
    Object spec = card.getValue("spec");
    if (spec == null) {
      throw ApiException.badRequest(
          what + " has no \"spec\": expected \"" + SPEC_V2 + "\" or \"" + SPEC_V3 + "\"");
    }
    if (!SPEC_V2.equals(spec) && !SPEC_V3.equals(spec)) {
      throw ApiException.badRequest(
          what
              + " has an unknown spec "
              + abbreviate(String.valueOf(spec), 40)
              + ": expected \""
              + SPEC_V2
              + "\" or \""
              + SPEC_V3
              + "\"");
    }
    Object specVersion = card.getValue("spec_version");
    if (specVersion != null && !(specVersion instanceof String)) {
      throw ApiException.badRequest(what + ": spec_version must be a string");
    }
  }

  private static JsonObject data(JsonObject card, String what) {
    Object data = card.getValue("data");
    if (data == null) {
      throw ApiException.badRequest(what + " has no \"data\" object");
    }
    if (!(data instanceof JsonObject object)) {
      throw ApiException.badRequest(what + ": \"data\" must be an object");
    }
    return object;
  }

  private static void checkName(JsonObject data, String what) {
    Object name = data.getValue("name");
    if (name == null) {
      throw ApiException.badRequest(what + " is missing data.name");
    }
    if (!(name instanceof String n) || n.isBlank()) {
      throw ApiException.badRequest(what + ": data.name must be a non-empty string");
    }
    if (n.length() > MAX_NAME) {
      throw ApiException.badRequest(
          what + ": data.name is longer than " + MAX_NAME + " characters");
    }
  }

  private static void checkFieldTypes(JsonObject data, String what) {
    for (String field : STRING_FIELDS) {
      Object value = data.getValue(field);
      if (value != null && !(value instanceof String)) {
        throw ApiException.badRequest(what + ": data." + field + " must be a string");
      }
    }
    for (String field : ARRAY_FIELDS) {
      Object value = data.getValue(field);
      if (value != null && !(value instanceof JsonArray)) {
        throw ApiException.badRequest(what + ": data." + field + " must be an array");
      }
    }
    for (String field : OBJECT_FIELDS) {
      Object value = data.getValue(field);
      if (value != null && !(value instanceof JsonObject)) {
        throw ApiException.badRequest(what + ": data." + field + " must be an object");
      }
    }
  }

  /** The shape of data.character_book (null: none), as far as the prompt reads it. */
  private static void checkLorebook(JsonObject book, String what) {
    if (book == null) {
      return;
    }
    Object entries = book.getValue("entries");
    if (entries != null && !(entries instanceof JsonArray)) {
      throw ApiException.badRequest(what + ": data.character_book.entries must be an array");
    }
    if (!(entries instanceof JsonArray list)) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String where = what + ": data.character_book.entries[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject entry)) {
        throw ApiException.badRequest(where + " must be an object");
      }
      Object keys = entry.getValue("keys");
      if (keys != null && !(keys instanceof JsonArray)) {
        throw ApiException.badRequest(where + ".keys must be an array");
      }
      Object content = entry.getValue("content");
      if (content != null && !(content instanceof String)) {
        throw ApiException.badRequest(where + ".content must be a string");
      }
    }
  }

  private static String shortReason(DecodeException e) {
    String message = e.getMessage() == null ? "malformed" : e.getMessage();
    int newline = message.indexOf('\n');
    return abbreviate(newline >= 0 ? message.substring(0, newline) : message, 160);
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  /** The original JSON text, exactly as given. */
  public String json() {
    return json;
  }

  /** The whole card as JSON, parsed again on each call (for tests and tools, not for hot paths). */
  public JsonObject toJson() {
    return new JsonObject(json);
  }

  public String spec() {
    return spec;
  }

  public boolean isV3() {
    return SPEC_V3.equals(spec);
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public String personality() {
    return personality;
  }

  public String scenario() {
    return scenario;
  }

  public String firstMessage() {
    return firstMessage;
  }

  public String messageExamples() {
    return messageExamples;
  }

  public String systemPrompt() {
    return systemPrompt;
  }

  public String postHistoryInstructions() {
    return postHistoryInstructions;
  }

  public String creator() {
    return creator;
  }

  public List<String> tags() {
    return tags;
  }

  public List<String> alternateGreetings() {
    return alternateGreetings;
  }

  /** data.character_book as JSON, or null (parsed again on each call). */
  public JsonObject characterBook() {
    return toJson().getJsonObject("data").getJsonObject("character_book");
  }

  /** The lorebook as the prompt uses it. */
  Lorebook lorebook() {
    return lorebook;
  }

  /**
   * Bytes this card holds in memory, an upper bound for the caches: the text and the fields taken
   * out of it (at most the text again), two bytes a character, plus the lorebook's key tables.
   */
  long weight() {
    return 4L * json.length() + lorebook.bytes() + 1024;
  }

  private static String text(JsonObject data, String field) {
    String value = data.getString(field);
    return value == null ? "" : value;
  }

  static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Object value : array) {
        if (value instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
