package chat.nexus.store;

import java.time.Instant;
import java.util.List;

/**
 * A message to store; {@code replyTo}, the quote of the message it answers in the same room, is
 * null for a plain message; {@code attachment} is the JSON text of its upload, or null; {@code
 * mentions}, the ids of the users it mentions, are stored with it.
 */
public record NewMessage(
    String roomId,
    String userId,
    String text,
    String clientId,
    Message.Quote replyTo,
    String attachment,
    List<String> mentions) {

  public NewMessage(String roomId, String userId, String text, String clientId) {
    this(roomId, userId, text, clientId, null, null, List.of());
  }

  public NewMessage withMentions(List<String> userIds) {
    return new NewMessage(roomId, userId, text, clientId, replyTo, attachment, userIds);
  }

  Message stored(long id, Instant createdAt) {
    return new Message(
        id, roomId, userId, text, clientId, createdAt, null, null, replyTo, null, attachment);
  }
}
