package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import java.util.Locale;

/**
 * A gallery search: a part of the name, a tag, both or neither, in lower case. What a character is
 * found by is kept in two short columns made when it is stored: {@code name_key} (the name in lower
 * case) and {@code tag_keys} ({@code |tag|tag|}, its tags in lower case, cut as its list line cuts
 * them), so that a search reads no card, and works alike on H2 and PostgreSQL ({@code LIKE} with an
 * escape character).
 *
 * @param name a part of the name, or null
 * @param tag a whole tag, or null
 */
record CharacterSearch(String name, String tag) {

  /** Longest name part searched for (a name is at most {@link CharacterCard#MAX_NAME}). */
  static final int MAX_QUERY_CHARS = 100;

  /** The search of the query parameters {@code q} and {@code tag}; BAD_REQUEST when too long. */
  static CharacterSearch of(String q, String tag) {
    String name = q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT);
    String t = tag == null || tag.isBlank() ? null : tag.strip().toLowerCase(Locale.ROOT);
    if (name != null && name.length() > MAX_QUERY_CHARS) {
      throw ApiException.badRequest("q must be at most " + MAX_QUERY_CHARS + " characters");
    }
    if (t != null && (t.length() > CardLimits.MAX_TAG_CHARS || t.contains("|"))) {
      throw ApiException.badRequest(
          "tag must be at most " + CardLimits.MAX_TAG_CHARS + " characters, without |");
    }
    return new CharacterSearch(name, t);
  }

  /** The key of a page of this search in the page cache. */
  String cacheKey() {
    return (name == null ? "" : name) + '\n' + (tag == null ? "" : tag);
  }

  /** The SQL conditions (after WHERE ... AND), one {@code ?} per term. */
  String conditions() {
    return (name == null ? "" : " AND c.name_key LIKE ? ESCAPE '\\'")
        + (tag == null ? "" : " AND c.tag_keys LIKE ? ESCAPE '\\'");
  }

  /** The patterns of {@link #conditions()}, in order. */
  String[] patterns() {
    if (name != null && tag != null) {
      return new String[] {"%" + escape(name) + "%", "%|" + escape(tag) + "|%"};
    }
    if (name != null) {
      return new String[] {"%" + escape(name) + "%"};
    }
    return tag == null ? new String[0] : new String[] {"%|" + escape(tag) + "|%"};
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  static String nameKey(CharacterCard card) {
    return card.name().toLowerCase(Locale.ROOT);
  }

  /** {@code |tag|tag|}: at most {@link CardLimits#MAX_TAGS} tags, each cut to its cap. */
  static String tagKeys(CharacterCard card) {
    StringBuilder out = new StringBuilder("|");
    int count = 0;
    for (String tag : card.tags()) {
      if (count++ == CardLimits.MAX_TAGS) {
        break;
      }
      String key = tag.strip().toLowerCase(Locale.ROOT).replace('|', ' ');
      if (!key.isEmpty()) {
        out.append(key, 0, Math.min(key.length(), CardLimits.MAX_TAG_CHARS)).append('|');
      }
    }
    return out.toString();
  }
}
