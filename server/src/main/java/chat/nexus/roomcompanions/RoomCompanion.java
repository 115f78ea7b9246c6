package chat.nexus.roomcompanions;

import chat.nexus.auth.Identity;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A character in a room: people call it by {@code @handle}, the first word of its name in the
 * letters a mention takes (letters, digits, '_', '-', '.'; a final '.' dropped), lower-cased.
 * {@code sponsored}: its replies are paid from the budget of the owner who added it ({@code
 * addedBy}). In a room it speaks as the user id {@code character:<characterId>}, which no sign-in
 * can have ({@link Identity#CHARACTER_PREFIX}).
 */
record RoomCompanion(
    String roomId,
    String characterId,
    String name,
    boolean sponsored,
    String addedBy,
    boolean hasAvatar) {

  /** Longest handle matched, as for people's names. */
  static final int MAX_HANDLE_LENGTH = 64;

  /** The user id of the character's messages in rooms. */
  static String authorId(String characterId) {
    return Identity.CHARACTER_PREFIX + characterId;
  }

  String authorId() {
    return authorId(characterId);
  }

  /** The name after the '@' that calls this companion; empty when its name has no such word. */
  String handle() {
    return handleOf(name);
  }

  static String handleOf(String name) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < name.length() && !isNameChar(name.codePointAt(i))) {
      i += Character.charCount(name.codePointAt(i));
    }
    while (i < name.length() && out.length() < MAX_HANDLE_LENGTH) {
      int cp = name.codePointAt(i);
      if (!isNameChar(cp)) {
        break;
      }
      out.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    int end = out.length();
    while (end > 0 && out.charAt(end - 1) == '.') {
      end--;
    }
    return out.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** A character of a mentioned name, as the mention code reads names. */
  static boolean isNameChar(int cp) {
    return Character.isLetterOrDigit(cp) || cp == '_' || cp == '-' || cp == '.';
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("characterId", characterId)
        .put("name", name)
        .put("handle", handle())
        .put("userId", authorId())
        .put("sponsored", sponsored)
        .put("addedBy", addedBy)
        .put("hasAvatar", hasAvatar);
  }
}
