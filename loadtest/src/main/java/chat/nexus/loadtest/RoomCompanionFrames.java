package chat.nexus.loadtest;

/**
 * The events of a companion in a group room, as the chat clients scan them: its tokens and the
 * length of their deltas, its stored reply (a {@code message:new} by {@code character:<id>}) and
 * the length of its text, and refusals. Each reply's tokens reach each member once when the deltas
 * a client received add up to the texts of the replies it received.
 */
final class RoomCompanionFrames {

  enum Kind {
    TOKEN,
    REPLY,
    REFUSED,
    BROKEN,
    /** Another companion event (the queue, the list): nothing to count. */
    OTHER_COMPANION,
    NOT_COMPANION
  }

  /** Error tallies: a mention's refusal is counted as {@code mention:<code>}. */
  static final String REFUSED_PREFIX = "mention:";

  private static final byte[] TOKEN = Frames.eventPrefix("room:companion:token");
  private static final byte[] REFUSED = Frames.eventPrefix("room:companion:refused");
  private static final byte[] BROKEN = Frames.eventPrefix("room:companion:error");
  private static final byte[] OTHER = Frames.bytes("42[\"room:companion");
  private static final byte[] MESSAGE_NEW = Frames.eventPrefix("message:new");
  private static final byte[] AUTHOR = Frames.bytes("\"userId\":\"character:");
  private static final byte[] DELTA = Frames.bytes("\"delta\"");
  private static final byte[] TEXT = Frames.bytes("\"text\"");

  private RoomCompanionFrames() {}

  static Kind kind(byte[] b, int n) {
    if (Frames.startsWith(b, n, TOKEN)) return Kind.TOKEN;
    if (Frames.startsWith(b, n, MESSAGE_NEW)) {
      return indexOf(b, n, AUTHOR) >= 0 ? Kind.REPLY : Kind.NOT_COMPANION;
    }
    if (Frames.startsWith(b, n, REFUSED)) return Kind.REFUSED;
    if (Frames.startsWith(b, n, BROKEN)) return Kind.BROKEN;
    return Frames.startsWith(b, n, OTHER) ? Kind.OTHER_COMPANION : Kind.NOT_COMPANION;
  }

  /** Bytes of a token's delta as sent (escapes included). */
  static int deltaBytes(byte[] b, int n) {
    return stringBytes(b, n, Frames.valueAt(b, n, TOKEN.length, DELTA));
  }

  /** Bytes of a reply's text as sent (escapes included). */
  static int textBytes(byte[] b, int n) {
    return stringBytes(b, n, Frames.valueAt(b, n, MESSAGE_NEW.length, TEXT));
  }

  /** The length of the JSON string starting at {@code at} (its quote), or 0. */
  private static int stringBytes(byte[] b, int n, int at) {
    if (at < 0 || at >= n || b[at] != '"') return 0;
    int i = at + 1;
    while (i < n && b[i] != '"') i += b[i] == '\\' ? 2 : 1;
    return Math.min(i, n) - at - 1;
  }

  private static int indexOf(byte[] b, int n, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= n; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
