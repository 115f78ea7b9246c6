package chat.nexus.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A stored chat message; its id orders a room's history. The fields after {@code createdAt} are
 * null when absent (a plain message has none of them), and then left out of its JSON.
 *
 * @param editedAt when the text last changed
 * @param deletedAt when it was deleted; its text is empty then
 * @param replyTo the message it answers, quoted
 * @param reactions the reactions' summary, a JSON array [{emoji, count, userIds}]
 */
public record Message(
    long id,
    String roomId,
    String userId,
    String text,
    String clientId,
    Instant createdAt,
    Instant editedAt,
    Instant deletedAt,
    Quote replyTo,
    String reactions,
    String attachment) {

  /** The longest quote of a replied-to message, in characters (code points). */
  public static final int QUOTE_LENGTH = 200;

  /** A plain message: not edited, not deleted, no reply, no reactions. */
  public Message(
      long id, String roomId, String userId, String text, String clientId, Instant createdAt) {
    this(id, roomId, userId, text, clientId, createdAt, null, null, null, null, null);
  }

  /** The message a reply answers: its id, author and first {@link #QUOTE_LENGTH} characters. */
  public record Quote(long id, String userId, String text) {

    /** The quote of a message: empty text when it was deleted. */
    public static Quote of(long id, String userId, String text, boolean deleted) {
      return new Quote(id, userId, deleted || text == null ? "" : shorten(text));
    }

    static String shorten(String text) {
      if (text.codePointCount(0, text.length()) <= QUOTE_LENGTH) {
        return text;
      }
      return text.substring(0, text.offsetByCodePoints(0, QUOTE_LENGTH));
    }

    JsonObject toJson() {
      return new JsonObject().put("id", id).put("userId", userId).put("text", text);
    }
  }

  public boolean deleted() {
    return deletedAt != null;
  }

  /**
   * The contract's shape: {id, roomId, userId, text, clientId, createdAt}, and editedAt, deletedAt,
   * replyTo {id, userId, text}, reactions [{emoji, count, userIds}] and attachment (an upload's
   * {id, name, contentType, size, width?, height?, image}; its JSON text here, as stored) when
   * present.
   */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("roomId", roomId)
            .put("userId", userId)
            .put("text", text)
            .put("clientId", clientId)
            .put("createdAt", createdAt.toString());
    if (editedAt != null) {
      json.put("editedAt", editedAt.toString());
    }
    if (deletedAt != null) {
      json.put("deletedAt", deletedAt.toString());
    }
    if (replyTo != null) {
      json.put("replyTo", replyTo.toJson());
    }
    if (reactions != null) {
      json.put("reactions", new JsonArray(reactions));
    }
    if (attachment != null) {
      json.put("attachment", new JsonObject(attachment));
    }
    return json;
  }
}
