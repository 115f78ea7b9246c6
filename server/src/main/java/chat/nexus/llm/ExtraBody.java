package chat.nexus.llm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * LLM_EXTRA_BODY: a JSON object of a provider's own fields (Venice's {@code venice_parameters},
 * {@code top_p}, {@code repetition_penalty}...) merged into every chat-completions body. Objects
 * merge field by field, so that it may add to what the server sends ({@code stream_options}, {@code
 * venice_parameters}); any other value replaces the server's. {@code messages} and {@code stream}
 * are the server's alone.
 */
final class ExtraBody {

  /** A few provider switches, not a document. */
  static final int MAX_CHARS = 16 * 1024;

  /** Fields of the body only the gateway decides. */
  static final Set<String> RESERVED = Set.of("messages", "stream");

  private ExtraBody() {}

  /**
   * The object, or an IllegalArgumentException whose message is a configuration problem line (it
   * never repeats the value, which may carry a provider's secret).
   */
  static JsonObject parse(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          "LLM_EXTRA_BODY must be at most " + MAX_CHARS + " characters");
    }
    JsonObject body;
    try {
      body = new JsonObject(text);
    } catch (DecodeException | ClassCastException notAnObject) {
      throw new IllegalArgumentException(
          "LLM_EXTRA_BODY must be a JSON object, such as {\"top_p\": 0.9}");
    }
    for (String field : RESERVED) {
      if (body.containsKey(field)) {
        throw new IllegalArgumentException(
            "LLM_EXTRA_BODY must not set \"" + field + "\" (the server sets it)");
      }
    }
    return body;
  }

  /**
   * Merges {@code extra} into {@code body}: objects field by field, null removing, anything else
   * replacing.
   */
  static void merge(JsonObject body, JsonObject extra) {
    for (Map.Entry<String, Object> field : extra) {
      Object mine = body.getValue(field.getKey());
      if (field.getValue() == null) {
        body.remove(field.getKey()); // for a server that refuses a field the gateway sends
      } else if (mine instanceof JsonObject into && field.getValue() instanceof JsonObject from) {
        merge(into, from);
      } else {
        body.put(field.getKey(), copy(field.getValue()));
      }
    }
  }

  private static Object copy(Object value) {
    if (value instanceof JsonObject object) {
      return object.copy();
    }
    if (value instanceof io.vertx.core.json.JsonArray array) {
      return array.copy();
    }
    return value;
  }
}
