package chat.nexus.conversations;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code @name}s of a message's text: an '@' at the start or after a character that is not a
 * letter, digit or '@' (so e-mail addresses are no mentions), then 1-{@link #MAX_NAME_LENGTH}
 * letters, digits, '_', '-' or '.', a final '.' (the end of a sentence) dropped. Lower-cased, each
 * once, at most {@link #MAX_MENTIONS} per message.
 */
final class MentionNames {

  /** Mentions resolved per message; more names than that are ignored. */
  static final int MAX_MENTIONS = 20;

  /** Longest name looked up (users.username is at most 64 characters). */
  static final int MAX_NAME_LENGTH = 64;

  /**
   * The users columns an {@code @name} is matched against, case-insensitively: the display name,
   * the username and the handle.
   */
  static final List<String> CANDIDATE_COLUMNS = List.of("name", "username", "handle");

  private static final Pattern MENTION =
      Pattern.compile("(?<![\\p{L}\\p{N}@_])@([\\p{L}\\p{N}_.\\-]{1," + MAX_NAME_LENGTH + "})");

  private MentionNames() {}

  /** The names mentioned in the text; empty (and no regex run) when it has no '@'. */
  static Set<String> in(String text) {
    if (text.indexOf('@') < 0) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(text);
    while (m.find() && names.size() < MAX_MENTIONS) {
      String name = m.group(1);
      while (name.endsWith(".")) {
        name = name.substring(0, name.length() - 1);
      }
      if (!name.isEmpty()) {
        names.add(name.toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }
}
