package chat.nexus.llm;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What an upstream said (an error body, a broken chunk, a connection failure), made fit for an
 * error message or a log line: cut short, and without any configured key or bearer token.
 */
final class UpstreamText {

  /** Most of an upstream's text kept for a message or a log line. */
  static final int MAX_DETAIL_CHARS = 200;

  private final List<String> secrets;

  UpstreamText(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** ": text" to append to a message, or "" when there is nothing to say. */
  String detail(String text) {
    return text == null || text.isBlank() ? "" : ": " + text(text);
  }

  /** The start of the text, without keys. */
  String text(String text) {
    String clean = redact(text.strip());
    if (clean.length() > MAX_DETAIL_CHARS) {
      clean = clean.substring(0, MAX_DETAIL_CHARS) + "...";
    }
    return clean;
  }

  /** The detail of an error body: its JSON {@code error.message}, or the text itself. */
  String errorBodyDetail(Buffer buffer) {
    String text = buffer.toString();
    try {
      JsonObject error = new JsonObject(text).getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        return detail(error.getString("message"));
      }
    } catch (RuntimeException notJson) {
      // plain text body
    }
    return detail(text);
  }

  /** A failure's class and message, without keys. */
  String describe(Throwable cause) {
    String message = cause.getMessage();
    return redact(cause.getClass().getSimpleName() + (message == null ? "" : " " + message));
  }

  /** Removes every configured key (and anything that looks like a bearer token) from text. */
  String redact(String text) {
    String out = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "[redacted]");
      }
    }
    return out.replaceAll("(?i)bearer\\s+\\S+", "Bearer [redacted]");
  }
}
