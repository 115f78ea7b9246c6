package chat.nexus.search;

import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import chat.nexus.rooms.RoomIds;
import java.util.Optional;

/**
 * One search, checked: the words ({@code q}), optionally one room, a page (messages with ids below
 * {@code before}) and its size. Every refusal is a BAD_REQUEST naming the field.
 *
 * @param q the search text, trimmed, runs of white space made one space; 1-{@link
 *     #MAX_QUERY_LENGTH} characters
 * @param roomId the one room to search, or empty for every room the user belongs to
 * @param before the page: message ids below this one, or null for the newest
 * @param limit results in a page, 1-{@link #MAX_LIMIT}
 */
public record SearchRequest(String q, Optional<String> roomId, Long before, int limit) {

  /** The longest search text, in characters: a sentence, not a document. */
  public static final int MAX_QUERY_LENGTH = 200;

  public static final int DEFAULT_LIMIT = 20;

  /** Results in one page at most: each carries a snippet the database works out. */
  public static final int MAX_LIMIT = 50;

  /** From the query parameters (REST) or an event's payload; each value may be null. */
  public static SearchRequest of(Object q, Object roomId, Object before, Object limit) {
    return new SearchRequest(
        query(q),
        roomId == null || "".equals(roomId)
            ? Optional.empty()
            : Optional.of(RoomIds.validate(roomId)),
        ClientInput.before(before),
        limit(limit));
  }

  static String query(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw ApiException.badRequest("q is required: the words to search for");
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_QUERY_LENGTH * 2));
    int characters = 0;
    boolean space = false;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isWhitespace(c)) {
        space = out.length() > 0;
        continue;
      }
      if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
        throw ApiException.badRequest("q is not valid Unicode (an unpaired surrogate)");
      }
      if (Character.isISOControl(c)) {
        throw ApiException.badRequest("q must not contain control characters");
      }
      if (c == Snippets.START || c == Snippets.STOP) {
        continue; // the snippet markers: never searched for
      }
      if (space) {
        out.append(' ');
        characters++;
        space = false;
      }
      out.appendCodePoint(c);
      if (++characters > MAX_QUERY_LENGTH) {
        throw ApiException.badRequest("q must be at most " + MAX_QUERY_LENGTH + " characters");
      }
    }
    if (out.length() == 0) {
      throw ApiException.badRequest("q is required: the words to search for");
    }
    return out.toString();
  }

  static int limit(Object value) {
    if (value == null || "".equals(value)) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit =
          value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value));
      if (limit >= 1
          && limit <= MAX_LIMIT
          && (!(value instanceof Number n) || n.doubleValue() == limit)) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
  }
}
