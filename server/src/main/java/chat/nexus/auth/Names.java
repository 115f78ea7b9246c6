package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Display names as people see them: NFKC-normalised (full-width and compatibility forms folded, so
 * that look-alikes compare equal), whitespace runs made one space, trimmed, and free of control and
 * format characters (bidi overrides and isolates, zero-width characters, line separators), which
 * could reorder or hide what others see next to a message.
 */
public final class Names {

  public static final int MAX_LENGTH = 64;

  /**
   * The users.name column holds 100 UTF-16 units: 64 characters outside the BMP (emoji) would not
   * fit.
   */
  static final int MAX_UTF16_LENGTH = 100;

  private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

  private Names() {}

  /** A name typed by a person (sign-up, guest): normalised, or BAD_REQUEST saying what is wrong. */
  public static String displayName(String raw) {
    if (Normalizer.normalize(raw, Normalizer.Form.NFKC).codePoints().anyMatch(Names::hidden)) {
      throw ApiException.badRequest(
          "name must not contain control or invisible formatting characters");
    }
    String name = normalise(raw);
    int length = name.codePointCount(0, name.length());
    if (length == 0 || length > MAX_LENGTH || name.length() > MAX_UTF16_LENGTH) {
      throw ApiException.badRequest("name must be 1-" + MAX_LENGTH + " characters");
    }
    return name;
  }

  /**
   * A name from an identity provider's token, which we cannot send back: normalised, hidden
   * characters removed, cut to {@link #MAX_LENGTH}; empty when nothing is left.
   */
  public static String clean(String raw) {
    StringBuilder kept = new StringBuilder();
    normalise(raw).codePoints().filter(c -> !hidden(c)).forEach(kept::appendCodePoint);
    String name = normalise(kept.toString());
    int end =
        name.offsetByCodePoints(0, Math.min(MAX_LENGTH, name.codePointCount(0, name.length())));
    while (end > MAX_UTF16_LENGTH) {
      end = name.offsetByCodePoints(end, -1);
    }
    return name.substring(0, end).trim();
  }

  private static String normalise(String raw) {
    return SPACES.matcher(Normalizer.normalize(raw, Normalizer.Form.NFKC)).replaceAll(" ").trim();
  }

  /**
   * Control (tab and line feed too), format (bidi controls, zero-width), line and paragraph
   * separators, surrogates, private use, unassigned. Spaces of every width are kept (and made one
   * space).
   */
  private static boolean hidden(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.PRIVATE_USE ->
          true;
      default -> false;
    };
  }
}
