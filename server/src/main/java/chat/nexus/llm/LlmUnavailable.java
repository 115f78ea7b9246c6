package chat.nexus.llm;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import java.util.Locale;

/**
 * The LLM upstream failed a call: AI_UPSTREAM in words a person understands ("Mira can't answer
 * right now — the AI service is unreachable. Try again in a minute."). The technical {@link
 * #detail()} (status, timeout, the cause's class, never a key) is for logs and metrics only; no
 * user ever reads it, since an address, a port or an exception's name tells them nothing.
 */
public final class LlmUnavailable extends ApiException {

  /** Why the call failed, in the user's words and as a metric label. */
  public enum Reason {
    UNREACHABLE("the AI service is unreachable", "Try again in a minute."),
    TIMED_OUT("the AI service is taking too long to answer", "Try again in a minute."),
    FAILING("the AI service is having trouble", "Try again in a minute."),
    BUSY("the AI service is overloaded", "Try again in a minute."),
    REFUSED_ACCESS(
        "the AI service does not accept this server's access",
        "Please let the people who run this site know."),
    REFUSED_REQUEST(
        "the AI service turned this conversation down", "Try again, or start a new chat.");

    private final String what;
    private final String advice;

    Reason(String what, String advice) {
      this.what = what;
      this.advice = advice;
    }

    /** The metric label: "unreachable", "timed_out"... */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for a refusal with this HTTP status. */
    static Reason ofStatus(int status) {
      if (status == 401 || status == 403) {
        return REFUSED_ACCESS;
      }
      if (status == 429) {
        return BUSY;
      }
      return status >= 500 ? FAILING : REFUSED_REQUEST;
    }
  }

  private final Reason reason;
  private final String detail;

  LlmUnavailable(Reason reason, String detail) {
    this(reason, detail, null);
  }

  private LlmUnavailable(Reason reason, String detail, String speaker) {
    super(ErrorCode.AI_UPSTREAM, words(reason, speaker));
    this.reason = reason;
    this.detail = detail;
  }

  private static String words(Reason reason, String speaker) {
    if (speaker == null || speaker.isBlank()) {
      return Character.toUpperCase(reason.what.charAt(0))
          + reason.what.substring(1)
          + ". "
          + reason.advice;
    }
    return speaker.strip() + " can't answer right now — " + reason.what + ". " + reason.advice;
  }

  /**
   * The failure as {@code speaker} (a character's name) not answering, when it is an LLM failure;
   * any other failure unchanged.
   */
  public static Throwable speaking(Throwable failure, String speaker) {
    if (failure instanceof LlmUnavailable unavailable) {
      return new LlmUnavailable(unavailable.reason, unavailable.detail, speaker);
    }
    return failure;
  }

  public Reason reason() {
    return reason;
  }

  /** What went wrong, for logs and metrics: never shown to a user, never a key. */
  public String detail() {
    return detail;
  }
}
