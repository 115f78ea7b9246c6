package chat.nexus.chat;

import chat.nexus.errors.ApiException;

/**
 * The checks of what clients send to chat rooms and companions, over sockets and REST alike; each
 * refusal is a BAD_REQUEST that names the field.
 *
 * <p>Every stored message text follows the same rules: a string (not binary data), not blank, at
 * most {@link #MAX_TEXT_LENGTH} characters counted as Unicode code points (what people count; an
 * emoji is one, not two UTF-16 units), well-formed Unicode (no unpaired surrogate, which a UTF-8
 * database cannot store as sent), and no control characters except line breaks and tabs (NUL cannot
 * be stored in PostgreSQL at all; the others garble what readers see). Format characters
 * (zero-width joiners in emoji, bidi marks in right-to-left text) are legitimate in messages and
 * kept.
 */
public final class ClientInput {

  /** The longest message text, in characters (code points). */
  public static final int MAX_TEXT_LENGTH = 4_000;

  /** The longest clientId a sender may give a message (its key for retries). */
  public static final int MAX_CLIENT_ID_LENGTH = 64;

  /** Messages in a page of history when the client does not ask for a number. */
  public static final int DEFAULT_HISTORY_LIMIT = 50;

  public static final int MAX_HISTORY_LIMIT = 100;

  private ClientInput() {}

  /** A message text, checked; at most {@link #MAX_TEXT_LENGTH} characters. */
  public static String text(Object value, String field) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw ApiException.badRequest(field + " is required (a non-empty string)");
    }
    int characters = checkCharacters(text, field);
    if (characters > MAX_TEXT_LENGTH) {
      throw ApiException.badRequest(field + " must be at most " + MAX_TEXT_LENGTH + " characters");
    }
    return text;
  }

  private static final java.util.regex.Pattern UPLOAD_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /** Whether the text has the form of an upload id (1-32 characters of A-Za-z0-9_-). */
  public static boolean isUploadId(String text) {
    return UPLOAD_ID.matcher(text).matches();
  }

  /** A message's optional clientId: null, or 1-64 well-formed characters. */
  public static String clientId(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String c) || c.isEmpty() || c.length() > MAX_CLIENT_ID_LENGTH) {
      throw ApiException.badRequest(
          "clientId must be a string of 1-" + MAX_CLIENT_ID_LENGTH + " characters");
    }
    checkCharacters(c, "clientId");
    return c;
  }

  /** A message id: a positive whole number, or its string form (as JavaScript may send it). */
  public static long messageId(Object value, String field) {
    try {
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        if (n.longValue() > 0) {
          return n.longValue();
        }
      } else if (value instanceof String s && s.length() <= 19) {
        long id = Long.parseLong(s);
        if (id > 0) {
          return id;
        }
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw ApiException.badRequest(field + " must be a message id (a positive whole number)");
  }

  /** A history page's "before": null, or a message id ({@link #messageId}). */
  public static Long before(Object value) {
    return value == null ? null : messageId(value, "before");
  }

  /**
   * A history page's "around": null, or the id of the message the page is centred on (as {@link
   * #before}); not together with "before".
   */
  public static Long around(Object value, Long before) {
    if (value == null) {
      return null;
    }
    if (before != null) {
      throw ApiException.badRequest("give either before or around, not both");
    }
    try {
      return before(value);
    } catch (ApiException e) {
      throw ApiException.badRequest("around must be a message id (a positive whole number)");
    }
  }

  /**
   * A history page's "limit": 1 to {@link #MAX_HISTORY_LIMIT}, {@link #DEFAULT_HISTORY_LIMIT} when
   * absent.
   */
  public static int historyLimit(Object value) {
    if (value == null) {
      return DEFAULT_HISTORY_LIMIT;
    }
    try {
      int limit =
          value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value));
      if (limit >= 1
          && limit <= MAX_HISTORY_LIMIT
          && (!(value instanceof Number n) || n.doubleValue() == limit)) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_HISTORY_LIMIT);
  }

  /**
   * Checks that {@code text} is well-formed and free of control characters (line breaks and tabs
   * allowed); returns its length in code points.
   */
  private static int checkCharacters(String text, String field) {
    int characters = 0;
    for (int i = 0; i < text.length(); i++, characters++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a pair: one character
      } else if (Character.isSurrogate(c)) {
        throw ApiException.badRequest(
            field
                + " is not valid Unicode (an unpaired surrogate at character "
                + (characters + 1)
                + ")");
      } else if (isControl(c)) {
        throw ApiException.badRequest(
            field
                + " must not contain control characters (found U+"
                + String.format("%04X", (int) c)
                + " at character "
                + (characters + 1)
                + "); line breaks and tabs are fine");
      }
    }
    return characters;
  }

  /** C0 and C1 controls and DEL, except tab, line feed and carriage return. */
  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || (c >= 0x7f && c <= 0x9f);
  }
}
