package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The caps an imported card must respect. Each bounds the work one card can cause: its bytes in
 * every cache, its lorebook's scan on each companion message, its line in the public list. A card
 * over one is refused with PAYLOAD_TOO_LARGE saying which; a card already stored before these caps
 * is clamped to them when read ({@link Lorebook}, {@link CharacterSummary}) instead, so it keeps
 * working.
 */
public final class CardLimits {

  /**
   * The card's JSON, UTF-8: generous for hand-written cards with a lorebook, small next to the
   * caches.
   */
  public static final int MAX_CARD_BYTES = 1024 * 1024;

  /**
   * Any one text field (description, first_mes, a lorebook entry's content, ...), in UTF-16 units.
   */
  public static final int MAX_FIELD_CHARS = 100_000;

  /** Short fields shown in lists (creator, nickname, character_version), as the name. */
  public static final int MAX_SHORT_FIELD_CHARS = CharacterCard.MAX_NAME;

  /** Entries of the embedded lorebook; the cards we know keep theirs under a few hundred. */
  public static final int MAX_LORE_ENTRIES = 1_000;

  /**
   * Keys per entry, primary and secondary each: every key is looked for in each companion message.
   */
  public static final int MAX_KEYS_PER_ENTRY = 50;

  /**
   * Longest key; keys are words or short phrases, and each distinct length costs a pass over the
   * text.
   */
  public static final int MAX_KEY_CHARS = 100;

  /**
   * Messages a lorebook may scan back (scan_depth); the scanned text is capped in characters as
   * well.
   */
  public static final int MAX_SCAN_DEPTH = 100;

  /**
   * Tags per card: they are all in the public list, for every visitor (cards we know carry 5-30).
   */
  public static final int MAX_TAGS = 32;

  /** Longest tag: a word or two. */
  public static final int MAX_TAG_CHARS = 40;

  /** Alternate and group greetings, each. */
  public static final int MAX_GREETINGS = 100;

  private static final List<String> SHORT_FIELDS =
      List.of("creator", "nickname", "character_version");
  private static final List<String> GREETING_FIELDS =
      List.of("alternate_greetings", "group_only_greetings");

  private CardLimits() {}

  /** Refuses an imported card's {@code data} over a cap (its types are already checked). */
  static void check(JsonObject data, String what) {
    for (String field : CharacterCard.STRING_FIELDS) {
      if (data.getValue(field) instanceof String text) {
        int max = SHORT_FIELDS.contains(field) ? MAX_SHORT_FIELD_CHARS : MAX_FIELD_CHARS;
        if (text.length() > max) {
          throw tooLarge(what + ": data." + field + " is longer than " + max + " characters");
        }
      }
    }
    for (String field : GREETING_FIELDS) {
      JsonArray greetings = data.getJsonArray(field);
      if (greetings != null) {
        if (greetings.size() > MAX_GREETINGS) {
          throw tooLarge(
              what + ": data." + field + " has more than " + MAX_GREETINGS + " greetings");
        }
        for (Object greeting : greetings) {
          if (greeting instanceof String text && text.length() > MAX_FIELD_CHARS) {
            throw tooLarge(
                what
                    + ": a greeting in data."
                    + field
                    + " is longer than "
                    + MAX_FIELD_CHARS
                    + " characters");
          }
        }
      }
    }
    JsonArray tags = data.getJsonArray("tags");
    if (tags != null) {
      if (tags.size() > MAX_TAGS) {
        throw tooLarge(what + " has " + tags.size() + " tags; at most " + MAX_TAGS);
      }
      for (Object tag : tags) {
        if (tag instanceof String text && text.length() > MAX_TAG_CHARS) {
          throw tooLarge(what + ": a tag is longer than " + MAX_TAG_CHARS + " characters");
        }
      }
    }
    JsonObject book = data.getJsonObject("character_book");
    if (book != null) {
      checkBook(book, what);
    }
  }

  private static void checkBook(JsonObject book, String what) {
    Object depth = book.getValue("scan_depth");
    if (depth instanceof Number n && n.doubleValue() > MAX_SCAN_DEPTH) {
      throw tooLarge(what + ": character_book.scan_depth is " + n + "; at most " + MAX_SCAN_DEPTH);
    }
    JsonArray entries = book.getJsonArray("entries");
    if (entries == null) {
      return;
    }
    if (entries.size() > MAX_LORE_ENTRIES) {
      throw tooLarge(
          what + ": the lorebook has " + entries.size() + " entries; at most " + MAX_LORE_ENTRIES);
    }
    for (int i = 0; i < entries.size(); i++) {
      JsonObject entry = entries.getJsonObject(i);
      if (entry.getValue("content") instanceof String content
          && content.length() > MAX_FIELD_CHARS) {
        throw tooLarge(
            what + ": lorebook entry " + i + " is longer than " + MAX_FIELD_CHARS + " characters");
      }
      checkKeys(entry.getValue("keys"), what + ": lorebook entry " + i);
      checkKeys(
          entry.getValue("secondary_keys"), what + ": lorebook entry " + i + " (secondary keys)");
    }
  }

  private static void checkKeys(Object keys, String where) {
    if (!(keys instanceof JsonArray list)) {
      return;
    }
    if (list.size() > MAX_KEYS_PER_ENTRY) {
      throw tooLarge(where + " has " + list.size() + " keys; at most " + MAX_KEYS_PER_ENTRY);
    }
    for (Object key : list) {
      if (key instanceof String k && k.length() > MAX_KEY_CHARS) {
        throw tooLarge(where + " has a key longer than " + MAX_KEY_CHARS + " characters");
      }
    }
  }

  static ApiException tooLarge(String message) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, message);
  }
}
