package chat.nexus.loadtest;

/** The companion events of the contract, as the ladder's companion clients send and scan them. */
final class Companions {
  private Companions() {}

  static final String AI_BUSY = "AI_BUSY";
  static final String RATE_LIMITED = "RATE_LIMITED";

  /** Error tallies: a refused companion:message ack is counted as {@code ai:<code>}. */
  static final String ACK_PREFIX = "ai:";

  /**
   * Error tallies: a companion:error (the reply failed after its ack) is counted as {@code
   * reply:<code>}.
   */
  static final String REPLY_PREFIX = "reply:";

  enum Event {
    TOKEN,
    DONE,
    ERROR,
    OTHER
  }

  private static final byte[] TOKEN = Frames.eventPrefix("companion:token");
  private static final byte[] DONE = Frames.eventPrefix("companion:done");
  private static final byte[] ERROR = Frames.eventPrefix("companion:error");

  static Event event(byte[] b, int n) {
    if (Frames.startsWith(b, n, TOKEN)) return Event.TOKEN;
    if (Frames.startsWith(b, n, DONE)) return Event.DONE;
    if (Frames.startsWith(b, n, ERROR)) return Event.ERROR;
    return Event.OTHER;
  }

  /**
   * {@code 42<ackId>["companion:message",{"characterId":"…","text":"…"}]}; the id comes from the
   * server (no escaping needed).
   */
  static String message(int ackId, String characterId, long seq) {
    return "42"
        + ackId
        + "[\"companion:message\",{\"characterId\":\""
        + characterId
        + "\",\"text\":\"Hello! How was your day? Tell me one thing about it. #"
        + seq
        + "\"}]";
  }
}
