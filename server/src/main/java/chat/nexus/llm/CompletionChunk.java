package chat.nexus.llm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one Server-Sent Event of an OpenAI-compatible chat-completions stream says: a piece of the
 * reply (with usage and finish_reason when present), {@code [DONE]}, an error the upstream reports
 * in the stream ({@code {"error": ...}} or {@code event: error}), an event of another type
 * (ignored, such as {@code event: ping}), or a payload that is not a chat.completion.chunk at all.
 *
 * @param content the text of {@code choices[0].delta.content}, or null
 * @param detail the error's message, or the unreadable payload, for logs and error messages
 */
record CompletionChunk(
    Kind kind,
    String content,
    boolean finished,
    Integer promptTokens,
    Integer completionTokens,
    String detail) {

  enum Kind {
    DATA,
    DONE,
    ERROR,
    IGNORED,
    UNREADABLE
  }

  static final String DONE_PAYLOAD = "[DONE]";
  private static final String MESSAGE_TYPE = "message";
  private static final String ERROR_TYPE = "error";

  static CompletionChunk of(SseParser.Event event) {
    if (ERROR_TYPE.equals(event.type())) {
      return error(errorMessage(event.data()));
    }
    if (!MESSAGE_TYPE.equals(event.type())) {
      return new CompletionChunk(Kind.IGNORED, null, false, null, null, event.type());
    }
    String payload = event.data();
    if (DONE_PAYLOAD.equals(payload.trim())) {
      return new CompletionChunk(Kind.DONE, null, false, null, null, null);
    }
    try {
      JsonObject json = new JsonObject(payload);
      Object error = json.getValue("error");
      if (error != null) {
        return error(
            error instanceof JsonObject object
                ? object.getString("message")
                : String.valueOf(error));
      }
      JsonObject usage = json.getJsonObject("usage");
      Integer prompt = usage == null ? null : usage.getInteger("prompt_tokens");
      Integer completion = usage == null ? null : usage.getInteger("completion_tokens");
      JsonArray choices = json.getJsonArray("choices");
      JsonObject choice = choices == null || choices.isEmpty() ? null : choices.getJsonObject(0);
      JsonObject delta = choice == null ? null : choice.getJsonObject("delta");
      String content = delta == null ? null : delta.getString("content");
      boolean finished = choice != null && choice.getValue("finish_reason") != null;
      return new CompletionChunk(Kind.DATA, content, finished, prompt, completion, null);
    } catch (DecodeException | ClassCastException notAChunk) {
      return new CompletionChunk(Kind.UNREADABLE, null, false, null, null, payload);
    }
  }

  private static CompletionChunk error(String message) {
    return new CompletionChunk(Kind.ERROR, null, false, null, null, message);
  }

  /** The message of an {@code event: error} payload: its JSON error message, or the text itself. */
  private static String errorMessage(String data) {
    try {
      JsonObject json = new JsonObject(data);
      Object error = json.getValue("error");
      if (error instanceof JsonObject object && object.getString("message") != null) {
        return object.getString("message");
      }
      return json.getString("message", data);
    } catch (DecodeException | ClassCastException notJson) {
      return data;
    }
  }
}
