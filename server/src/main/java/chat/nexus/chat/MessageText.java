package chat.nexus.chat;

import chat.nexus.errors.ApiException;

/**
 * The rules every stored message text follows, in chat rooms and in companion conversations: a
 * string (not binary data), not blank, at most a number of characters counted as Unicode code
 * points (what people count; an emoji is one, not two UTF-16 units), well-formed Unicode (no
 * unpaired surrogate, which a UTF-8 database cannot store as sent), and no control characters
 * except line breaks and tabs (NUL cannot be stored in PostgreSQL at all; the others garble what
 * readers see). Format characters (zero-width joiners in emoji, bidi marks in right-to-left text)
 * are legitimate in messages and kept.
 */
public final class MessageText {

  private MessageText() {}

  /** The text, checked; BAD_REQUEST saying what is wrong, naming {@code field}. */
  public static String check(Object value, String field, int maxCharacters) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw ApiException.badRequest(field + " is required (a non-empty string)");
    }
    int characters = checkCharacters(text, field);
    if (characters > maxCharacters) {
      throw ApiException.badRequest(field + " must be at most " + maxCharacters + " characters");
    }
    return text;
  }

  /**
   * Checks that {@code text} is well-formed and free of control characters (line breaks and tabs
   * allowed); returns its length in code points.
   */
  public static int checkCharacters(String text, String field) {
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
