package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A Character Card V2 ({@code chara_card_v2}) or V3 ({@code chara_card_v3}). The card is kept exactly as
 * given: {@link #json()} is the original text (every field, unknown {@code extensions} included), and the
 * typed accessors read the few fields the prompt needs. {@code creator_notes} has no accessor on purpose:
 * it is for people browsing cards, never for a prompt.
 */
public final class CharacterCard {

  public static final String SPEC_V2 = "chara_card_v2";
  public static final String SPEC_V3 = "chara_card_v3";
  /** Longest character name (the column is VARCHAR(200)). */
  static final int MAX_NAME = 200;

  private static final List<String> STRING_FIELDS = List.of("name", "description", "personality", "scenario",
      "first_mes", "mes_example", "creator_notes", "system_prompt", "post_history_instructions", "creator",
      "character_version", "nickname");
  private static final List<String> ARRAY_FIELDS = List.of("alternate_greetings", "tags", "group_only_greetings", "assets");
  private static final List<String> OBJECT_FIELDS = List.of("character_book", "extensions", "creator_notes_multilingual");

  private final String json;
  private final JsonObject card;
  private final JsonObject data;

  private CharacterCard(String json, JsonObject card) {
    this.json = json;
    this.card = card;
    this.data = card.getJsonObject("data");
  }

  /** Parses and checks a card from its JSON text; a bad card is a BAD_REQUEST saying what is wrong. */
  public static CharacterCard parse(String json) {
    return parse(json, "the card");
  }

  /** Parses a card from UTF-8 bytes (a request body). */
  public static CharacterCard parse(byte[] utf8, String what) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(what + " is not valid UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte order mark some editors write
    }
    return parse(text, what);
  }

  static CharacterCard parse(String json, String what) {
    if (json == null || json.isBlank()) {
      throw ApiException.badRequest(what + " is empty: send a Character Card V2 or V3 as JSON");
    }
    JsonObject card;
    try {
      Object value = io.vertx.core.json.Json.decodeValue(json);
      if (!(value instanceof JsonObject object)) {
        throw ApiException.badRequest(what + " is not a JSON object");
      }
      card = object;
    } catch (DecodeException e) {
      throw ApiException.badRequest(what + " is not JSON: " + shortReason(e));
    }
    Object spec = card.getValue("spec");
    if (spec == null) {
      throw ApiException.badRequest(what + " has no \"spec\": expected \"" + SPEC_V2 + "\" or \"" + SPEC_V3 + "\"");
    }
    if (!SPEC_V2.equals(spec) && !SPEC_V3.equals(spec)) {
      throw ApiException.badRequest(what + " has an unknown spec " + abbreviate(String.valueOf(spec), 40)
          + ": expected \"" + SPEC_V2 + "\" or \"" + SPEC_V3 + "\"");
    }
    Object specVersion = card.getValue("spec_version");
    if (specVersion != null && !(specVersion instanceof String)) {
      throw ApiException.badRequest(what + ": spec_version must be a string");
    }
    Object data = card.getValue("data");
    if (data == null) {
      throw ApiException.badRequest(what + " has no \"data\" object");
    }
    if (!(data instanceof JsonObject dataObject)) {
      throw ApiException.badRequest(what + ": \"data\" must be an object");
    }
    Object name = dataObject.getValue("name");
    if (name == null) {
      throw ApiException.badRequest(what + " is missing data.name");
    }
    if (!(name instanceof String n) || n.isBlank()) {
      throw ApiException.badRequest(what + ": data.name must be a non-empty string");
    }
    if (n.length() > MAX_NAME) {
      throw ApiException.badRequest(what + ": data.name is longer than " + MAX_NAME + " characters");
    }
    for (String field : STRING_FIELDS) {
      Object value = dataObject.getValue(field);
      if (value != null && !(value instanceof String)) {
        throw ApiException.badRequest(what + ": data." + field + " must be a string");
      }
    }
    for (String field : ARRAY_FIELDS) {
      Object value = dataObject.getValue(field);
      if (value != null && !(value instanceof JsonArray)) {
        throw ApiException.badRequest(what + ": data." + field + " must be an array");
      }
    }
    for (String field : OBJECT_FIELDS) {
      Object value = dataObject.getValue(field);
      if (value != null && !(value instanceof JsonObject)) {
        throw ApiException.badRequest(what + ": data." + field + " must be an object");
      }
    }
    JsonObject book = dataObject.getJsonObject("character_book");
    if (book != null) {
      Object entries = book.getValue("entries");
      if (entries != null && !(entries instanceof JsonArray)) {
        throw ApiException.badRequest(what + ": data.character_book.entries must be an array");
      }
      if (entries instanceof JsonArray list) {
        for (int i = 0; i < list.size(); i++) {
          if (!(list.getValue(i) instanceof JsonObject entry)) {
            throw ApiException.badRequest(what + ": data.character_book.entries[" + i + "] must be an object");
          }
          Object keys = entry.getValue("keys");
          if (keys != null && !(keys instanceof JsonArray)) {
            throw ApiException.badRequest(what + ": data.character_book.entries[" + i + "].keys must be an array");
          }
          Object content = entry.getValue("content");
          if (content != null && !(content instanceof String)) {
            throw ApiException.badRequest(what + ": data.character_book.entries[" + i + "].content must be a string");
          }
        }
      }
    }
    return new CharacterCard(json, card);
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

  /** A copy of the whole card as JSON. */
  public JsonObject toJson() {
    return card.copy();
  }

  public String spec() {
    return card.getString("spec");
  }

  public boolean isV3() {
    return SPEC_V3.equals(spec());
  }

  public String name() {
    return data.getString("name");
  }

  public String description() {
    return text("description");
  }

  public String personality() {
    return text("personality");
  }

  public String scenario() {
    return text("scenario");
  }

  public String firstMessage() {
    return text("first_mes");
  }

  public String messageExamples() {
    return text("mes_example");
  }

  public String systemPrompt() {
    return text("system_prompt");
  }

  public String postHistoryInstructions() {
    return text("post_history_instructions");
  }

  public String creator() {
    return text("creator");
  }

  public List<String> tags() {
    return strings(data.getJsonArray("tags"));
  }

  public List<String> alternateGreetings() {
    return strings(data.getJsonArray("alternate_greetings"));
  }

  /** data.character_book, or null. */
  public JsonObject characterBook() {
    JsonObject book = data.getJsonObject("character_book");
    return book == null ? null : book.copy();
  }

  private String text(String field) {
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
