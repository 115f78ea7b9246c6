package chat.nexus.chat;

import chat.nexus.errors.ApiException;
import java.util.regex.Pattern;

/**
 * What a reaction may be: one emoji, or a short name between colons.
 *
 * <p>One emoji is one grapheme as emoji keyboards produce it: a pictograph (Unicode category So,
 * which covers the emoji blocks, regional-indicator flags and symbols such as ♥ or ©, or any other
 * non-ASCII character followed by the emoji presentation selector U+FE0F, as ↔️ or ℹ️), or a keycap
 * (0-9, # or * with U+20E3), each optionally followed by variation selectors, skin-tone modifiers
 * and tag characters (subdivision flags), several such joined by zero-width joiners (family and
 * profession emoji), or two regional indicators (a country flag). Two emoji side by side are two
 * reactions, not one. A name is {@code :name:} with 1-30 of a-z, 0-9, _, + and -. Either way at
 * most {@link #MAX_LENGTH} characters (code points).
 */
public final class Emoji {

  /** The longest reaction, in characters (code points); the longest ZWJ emoji take about 10. */
  public static final int MAX_LENGTH = 32;

  private static final Pattern NAME = Pattern.compile(":[a-z0-9_+-]{1,30}:");

  private static final int ZWJ = 0x200D;
  private static final int KEYCAP = 0x20E3;

  private Emoji() {}

  /** The reaction, checked; BAD_REQUEST naming the field otherwise. */
  public static String check(Object value) {
    if (!(value instanceof String emoji)
        || emoji.isEmpty()
        || emoji.length() > 2 * MAX_LENGTH
        || emoji.codePointCount(0, emoji.length()) > MAX_LENGTH
        || !(NAME.matcher(emoji).matches() || isOneEmoji(emoji))) {
      throw ApiException.badRequest(
          "emoji must be one emoji or a :name: (a-z, 0-9, _, +, -), at most "
              + MAX_LENGTH
              + " characters");
    }
    return emoji;
  }

  static boolean isOneEmoji(String s) {
    int[] cps = s.codePoints().toArray();
    int i = 0;
    while (true) {
      int end = unit(cps, i);
      if (end < 0) {
        return false;
      }
      i = end;
      if (i == cps.length) {
        return true;
      }
      if (cps[i] != ZWJ) {
        return false;
      }
      i++;
    }
  }

  /** Where the emoji unit starting at {@code i} ends, or -1 when none starts there. */
  private static int unit(int[] cps, int i) {
    if (i >= cps.length) {
      return -1;
    }
    int base = cps[i++];
    if (isRegionalIndicator(base)) {
      return i < cps.length && isRegionalIndicator(cps[i]) ? i + 1 : -1;
    }
    boolean keycapBase = base == '#' || base == '*' || (base >= '0' && base <= '9');
    // a few emoji are arrows, punctuation or letters (↔️ ‼️ ℹ️): emoji when the emoji selector
    // follows
    boolean selected = base > 0x7F && i < cps.length && cps[i] == 0xFE0F;
    if (!keycapBase && !selected && Character.getType(base) != Character.OTHER_SYMBOL) {
      return -1;
    }
    boolean keycap = false;
    while (i < cps.length && isModifier(cps[i])) {
      keycap |= cps[i] == KEYCAP;
      i++;
    }
    return keycapBase && !keycap ? -1 : i;
  }

  private static boolean isRegionalIndicator(int cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
  }

  /** Variation selectors, skin tones, the keycap mark, tag characters. */
  private static boolean isModifier(int cp) {
    return cp == 0xFE0F
        || cp == 0xFE0E
        || (cp >= 0x1F3FB && cp <= 0x1F3FF)
        || cp == KEYCAP
        || (cp >= 0xE0020 && cp <= 0xE007F);
  }
}
