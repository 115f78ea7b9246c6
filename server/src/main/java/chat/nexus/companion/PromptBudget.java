package chat.nexus.companion;

/** The tokens left for a prompt, spent part by part ({@link PromptBuilder}). */
final class PromptBudget {
  private int left;

  PromptBudget(int left) {
    this.left = left;
  }

  /** Takes a message's overhead when there is room for it and some content. */
  boolean open(int overhead) {
    if (left < overhead + PromptBuilder.MIN_CUT_TOKENS) {
      return false;
    }
    left -= overhead;
    return true;
  }

  void refund(int tokens) {
    left += tokens;
  }

  /**
   * How much of a text {@link #cut} or {@link #whole} can use, in UTF-16 units, with room to tell:
   * a text this long has at least half as many code points, more than what is left, so it is cut
   * (or refused) as its whole would be.
   */
  int bound() {
    return (int) Math.min(PromptBuilder.MAX_NAMED_CHARS, 8L * Math.max(0, left) + 16);
  }

  /** Whether a text of this many code points fits whole. */
  boolean fits(long codePoints) {
    return (codePoints + PromptBuilder.SEPARATOR.length() + 3) / 4 <= left;
  }

  boolean take(int tokens) {
    if (tokens > left) {
      return false;
    }
    left -= tokens;
    return true;
  }

  /**
   * The text whole, or its start that fits (null: not even {@link PromptBuilder#MIN_CUT_TOKENS}, or
   * no text).
   */
  String cut(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (take(cost(text))) {
      return text;
    }
    if (left < PromptBuilder.MIN_CUT_TOKENS) {
      return null;
    }
    String start =
        text.substring(0, text.offsetByCodePoints(0, left * 4 - PromptBuilder.SEPARATOR.length()));
    left -= cost(start);
    return start;
  }

  /** The text whole, or null when it does not fit. */
  String whole(String text) {
    return take(cost(text)) ? text : null;
  }

  private static int cost(String text) {
    return (text.codePointCount(0, text.length()) + PromptBuilder.SEPARATOR.length() + 3) / 4;
  }
}
