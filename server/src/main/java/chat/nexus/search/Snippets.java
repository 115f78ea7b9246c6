package chat.nexus.search;

import java.util.List;
import java.util.Locale;

/**
 * A result's snippet: a short piece of the message around the first match, each match between
 * {@link #START} and {@link #STOP}, two private-use characters that no text a client shows means
 * anything by, so a client marks matches up with text nodes and never parses markup from the
 * server. Any such character in a message itself is dropped from its snippet, so every marker is
 * the server's.
 */
public final class Snippets {

  /** Starts a match in a snippet: U+E000, the first private-use character. */
  public static final char START = '\uE000';

  /** Ends a match in a snippet: U+E001. */
  public static final char STOP = '\uE001';

  /** The ellipsis where a snippet cuts the text. */
  static final String CUT = "…";

  /** Characters of a snippet at most (H2), markers not counted. */
  static final int MAX_LENGTH = 160;

  /** Characters shown before the first match (H2). */
  static final int LEAD = 40;

  /**
   * PostgreSQL's ts_headline options: about MaxWords words around the matches, in up to two
   * fragments.
   */
  static final String HEADLINE_OPTIONS =
      "StartSel=\""
          + START
          + "\", StopSel=\""
          + STOP
          + "\", MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=\" "
          + CUT
          + " \"";

  /** The markers, for SQL's translate(): removed from the text before ts_headline runs. */
  static final String MARKERS = "" + START + STOP;

  private Snippets() {}

  /** The text without the marker characters. */
  static String clean(String text) {
    return text.indexOf(START) < 0 && text.indexOf(STOP) < 0
        ? text
        : text.replace(String.valueOf(START), "").replace(String.valueOf(STOP), "");
  }

  /**
   * A snippet of {@code text} with every case-insensitive occurrence of {@code words} marked: from
   * a little before the first one, at most {@link #MAX_LENGTH} characters.
   */
  static String of(String text, List<String> words) {
    String clean = clean(text);
    int first = clean.length();
    for (String word : words) {
      int at = indexOf(clean, word, 0);
      if (at >= 0 && at < first) {
        first = at;
      }
    }
    if (first == clean.length()) {
      first = 0;
    }
    int start = Math.max(0, first - LEAD);
    int end = Math.min(clean.length(), start + MAX_LENGTH);
    if (end == clean.length()) {
      start = Math.max(0, end - MAX_LENGTH);
    }
    start = safe(clean, start);
    end = safe(clean, end);
    StringBuilder out = new StringBuilder(end - start + 16);
    if (start > 0) {
      out.append(CUT);
    }
    int i = start;
    while (i < end) {
      int length = longestMatch(clean, i, end, words);
      if (length > 0) {
        out.append(START).append(clean, i, i + length).append(STOP);
        i += length;
      } else {
        out.append(clean.charAt(i++));
      }
    }
    if (end < clean.length()) {
      out.append(CUT);
    }
    return out.toString();
  }

  /** An index not inside a surrogate pair. */
  private static int safe(String text, int index) {
    return index > 0 && index < text.length() && Character.isLowSurrogate(text.charAt(index))
        ? index - 1
        : index;
  }

  private static int longestMatch(String text, int at, int end, List<String> words) {
    int longest = 0;
    for (String word : words) {
      if (word.length() > longest
          && at + word.length() <= end
          && text.regionMatches(true, at, word, 0, word.length())) {
        longest = word.length();
      }
    }
    return longest;
  }

  private static int indexOf(String text, String word, int from) {
    for (int i = from; i + word.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, word, 0, word.length())) {
        return i;
      }
    }
    return -1;
  }

  /** The lower-case form the H2 search compares. */
  static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
