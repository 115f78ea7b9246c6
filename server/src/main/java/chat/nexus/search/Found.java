package chat.nexus.search;

import chat.nexus.store.Message;
import io.vertx.core.json.JsonObject;

/**
 * One search result: the message, its snippet (see {@link Snippets}), and the names a result list
 * shows (null when unknown: a room without a display name, a user gone).
 */
public record Found(Message message, String snippet, String userName, String roomName) {

  /** The contract's message shape plus snippet, userName and roomName. */
  public JsonObject toJson() {
    return message
        .toJson()
        .put("snippet", snippet)
        .put("userName", userName)
        .put("roomName", roomName);
  }
}
