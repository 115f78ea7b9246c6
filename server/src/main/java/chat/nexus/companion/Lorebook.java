package chat.nexus.companion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A card's lorebook ({@code character_book}), read once when the card is: its entries with their
 * keys indexed ({@link LoreKeys}), so that a companion message costs a bounded scan whatever the
 * book holds. Whatever was stored, only {@link CardLimits} worth is kept: the first {@link
 * CardLimits#MAX_LORE_ENTRIES} entries, {@link CardLimits#MAX_KEYS_PER_ENTRY} keys each, keys up to
 * {@link CardLimits#MAX_KEY_CHARS}, {@code scan_depth} up to {@link CardLimits#MAX_SCAN_DEPTH}.
 *
 * <p>An entry applies when {@code enabled} is not false and its content is not blank, and it is
 * {@code constant}, or one of its {@code keys} occurs in the scanned text (case-insensitively
 * unless {@code case_sensitive: true}); a {@code selective} entry with {@code secondary_keys} also
 * needs one of those. Regex keys ({@code use_regex}) are matched as plain text.
 */
final class Lorebook {

  /** Messages scanned when the book does not say (scan_depth missing or 0). */
  static final int DEFAULT_SCAN_DEPTH = 4;

  /**
   * The newest characters of the scanned messages that are searched: a few long messages' worth.
   */
  static final int MAX_SCAN_CHARS = 20_000;

  static final Lorebook EMPTY =
      new Lorebook(List.of(), DEFAULT_SCAN_DEPTH, null, LoreKeys.NONE, LoreKeys.NONE);

  /**
   * One usable entry; keys are ids in {@link #exact} (case-sensitive) or {@link #folded} (the
   * others).
   */
  record Entry(
      String content,
      int[] keys,
      int[] secondaryKeys,
      boolean needsSecondary,
      boolean caseSensitive,
      boolean constant,
      int order,
      boolean beforeChar) {}

  private final List<Entry> entries;
  private final int scanDepth;
  private final Integer tokenBudget;
  private final LoreKeys exact;
  private final LoreKeys folded;

  private Lorebook(
      List<Entry> entries, int scanDepth, Integer tokenBudget, LoreKeys exact, LoreKeys folded) {
    this.entries = entries;
    this.scanDepth = scanDepth;
    this.tokenBudget = tokenBudget;
    this.exact = exact;
    this.folded = folded;
  }

  /** The book of a card's data.character_book (null: none), clamped to the caps. */
  static Lorebook of(JsonObject book) {
    if (book == null || !(book.getValue("entries") instanceof JsonArray list)) {
      return EMPTY;
    }
    int depth =
        book.getValue("scan_depth") instanceof Number n && n.intValue() > 0
            ? Math.min(n.intValue(), CardLimits.MAX_SCAN_DEPTH)
            : DEFAULT_SCAN_DEPTH;
    Integer budget =
        book.getValue("token_budget") instanceof Number n && n.intValue() > 0 ? n.intValue() : null;
    LoreKeys.Builder exact = new LoreKeys.Builder();
    LoreKeys.Builder folded = new LoreKeys.Builder();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < Math.min(list.size(), CardLimits.MAX_LORE_ENTRIES); i++) {
      if (!(list.getValue(i) instanceof JsonObject entry)
          || Boolean.FALSE.equals(entry.getValue("enabled"))) {
        continue;
      }
      if (!(entry.getValue("content") instanceof String content) || content.isBlank()) {
        continue;
      }
      boolean caseSensitive = Boolean.TRUE.equals(entry.getValue("case_sensitive"));
      LoreKeys.Builder keys = caseSensitive ? exact : folded;
      boolean needsSecondary =
          Boolean.TRUE.equals(entry.getValue("selective"))
              && entry.getValue("secondary_keys") instanceof JsonArray secondary
              && !secondary.isEmpty();
      String text = content.strip();
      entries.add(
          new Entry(
              text.length() > CardLimits.MAX_FIELD_CHARS
                  ? text.substring(0, CardLimits.MAX_FIELD_CHARS)
                  : text,
              ids(entry.getValue("keys"), keys, caseSensitive),
              needsSecondary
                  ? ids(entry.getValue("secondary_keys"), keys, caseSensitive)
                  : new int[0],
              needsSecondary,
              caseSensitive,
              Boolean.TRUE.equals(entry.getValue("constant")),
              entry.getValue("insertion_order") instanceof Number n ? n.intValue() : 0,
              "before_char".equals(entry.getValue("position"))));
    }
    entries.sort(Comparator.comparingInt(Entry::order));
    return new Lorebook(List.copyOf(entries), depth, budget, exact.build(), folded.build());
  }

  private static int[] ids(Object keys, LoreKeys.Builder builder, boolean caseSensitive) {
    if (!(keys instanceof JsonArray array)) {
      return new int[0];
    }
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < Math.min(array.size(), CardLimits.MAX_KEYS_PER_ENTRY); i++) {
      if (array.getValue(i) instanceof String key
          && !key.isBlank()
          && key.length() <= CardLimits.MAX_KEY_CHARS) {
        String needle = key.strip();
        ids.add(builder.add(caseSensitive ? needle : needle.toLowerCase(Locale.ROOT)));
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int scanDepth() {
    return scanDepth;
  }

  /** The book's own token budget for its entries, or null. */
  Integer tokenBudget() {
    return tokenBudget;
  }

  /**
   * Bytes of the key tables and entries, for the cache's weight (the texts are counted with the
   * card's).
   */
  long bytes() {
    return exact.bytes() + folded.bytes() + 64L * entries.size();
  }

  /**
   * The entries that apply to the scanned text (its newest {@link #MAX_SCAN_CHARS} count), by
   * insertion_order.
   */
  List<Entry> matching(String scanned) {
    String text =
        scanned.length() > MAX_SCAN_CHARS
            ? scanned.substring(scanned.length() - MAX_SCAN_CHARS)
            : scanned;
    BitSet inExact = exact.size() == 0 ? new BitSet() : exact.find(text);
    BitSet inFolded =
        folded.size() == 0 ? new BitSet() : folded.find(text.toLowerCase(Locale.ROOT));
    List<Entry> out = new ArrayList<>();
    for (Entry entry : entries) {
      BitSet found = entry.caseSensitive() ? inExact : inFolded;
      if (entry.constant()
          || (any(entry.keys(), found)
              && (!entry.needsSecondary() || any(entry.secondaryKeys(), found)))) {
        out.add(entry);
      }
    }
    return out;
  }

  private static boolean any(int[] ids, BitSet found) {
    for (int id : ids) {
      if (found.get(id)) {
        return true;
      }
    }
    return false;
  }
}
