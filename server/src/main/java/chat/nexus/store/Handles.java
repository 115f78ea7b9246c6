package chat.nexus.store;

import chat.nexus.errors.ApiException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Handles: the unique name beside a display name, 3-32 characters of a-z, 0-9 and _, stored in
 * lower case (so two handles differing only by case are the same one). Accounts pick theirs or get
 * one made from their username; guests get one made from their name and a short random suffix
 * (bob_7f3a), so that two guests called Bob can be told apart.
 */
public final class Handles {

  public static final int MIN_LENGTH = 3;
  public static final int MAX_LENGTH = 32;

  /**
   * Hex digits of a guest's suffix: 65,536 Bobs before a collision is even likely to need a retry.
   */
  static final int SUFFIX_BYTES = 2;

  private static final Pattern VALID =
      Pattern.compile("[a-z0-9_]{" + MIN_LENGTH + "," + MAX_LENGTH + "}");
  private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9_]+");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handles() {}

  /** A handle typed by a person, in lower case; BAD_REQUEST saying the rule when it breaks it. */
  public static String validate(Object raw) {
    if (!(raw instanceof String text)) {
      throw ApiException.badRequest("handle must be a string");
    }
    String handle = text.trim().toLowerCase(Locale.ROOT);
    if (!VALID.matcher(handle).matches()) {
      throw ApiException.badRequest(
          "handle must be " + MIN_LENGTH + "-" + MAX_LENGTH + " characters of a-z, 0-9 and _");
    }
    return handle;
  }

  /** Whether the text is a well-formed handle (any case), without saying what is wrong. */
  public static boolean isHandle(String text) {
    return text != null && VALID.matcher(text.toLowerCase(Locale.ROOT)).matches();
  }

  /**
   * A handle made from a username or a name: accents dropped, other characters made _, cut to leave
   * room for a suffix, and "user" when nothing usable is left.
   */
  public static String derive(String from) {
    String ascii =
        Normalizer.normalize(from == null ? "" : from, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}+", "")
            .toLowerCase(Locale.ROOT);
    String base = NOT_ALLOWED.matcher(ascii).replaceAll("_").replaceAll("^_+|_+$", "");
    if (base.length() > MAX_LENGTH) {
      base = base.substring(0, MAX_LENGTH);
    }
    while (base.length() < MIN_LENGTH) {
      base = base.isEmpty() ? "user" : base + "_";
    }
    return base;
  }

  /** A handle made from a name with a random suffix: "Bob" gives bob_7f3a. */
  public static String withSuffix(String from) {
    byte[] suffix = new byte[SUFFIX_BYTES];
    RANDOM.nextBytes(suffix);
    String base = derive(from);
    int room = MAX_LENGTH - 1 - 2 * SUFFIX_BYTES;
    return (base.length() > room ? base.substring(0, room) : base)
        + "_"
        + HexFormat.of().formatHex(suffix);
  }
}
