package chat.nexus.roomcompanions;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of a room's companions a message's text calls: {@code @handle} after the start, a space or
 * punctuation (not after a letter, digit, '_' or '@', so e-mail addresses call nobody), not
 * followed by more of a name (a final '.' ends the sentence), any case. The scan looks only at the
 * '@'s, with a room's few handles: no regular expression, no allocation for a text that calls none.
 */
final class CompanionMentions {

  private CompanionMentions() {}

  /** The companions the text calls, each once, in the room's order. */
  static List<RoomCompanion> in(String text, List<RoomCompanion> companions) {
    List<RoomCompanion> called = null;
    for (RoomCompanion companion : companions) {
      String handle = companion.handle();
      if (!handle.isEmpty() && calls(text, handle)) {
        if (called == null) {
          called = new ArrayList<>(companions.size());
        }
        called.add(companion);
      }
    }
    return called == null ? List.of() : called;
  }

  static boolean calls(String text, String handle) {
    int at = text.indexOf('@');
    while (at >= 0) {
      if (startsMention(text, at)
          && text.regionMatches(true, at + 1, handle, 0, handle.length())
          && endsName(text, at + 1 + handle.length())) {
        return true;
      }
      at = text.indexOf('@', at + 1);
    }
    return false;
  }

  private static boolean startsMention(String text, int at) {
    if (at == 0) {
      return true;
    }
    int before = text.codePointBefore(at);
    return !(Character.isLetterOrDigit(before) || before == '_' || before == '@');
  }

  /** True when the name ends at {@code end}: dots (a sentence's end) then no more of a name. */
  private static boolean endsName(String text, int end) {
    int i = end;
    while (i < text.length() && text.charAt(i) == '.') {
      i++;
    }
    if (i == text.length()) {
      return true;
    }
    return !RoomCompanion.isNameChar(text.codePointAt(i));
  }
}
