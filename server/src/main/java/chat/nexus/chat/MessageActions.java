package chat.nexus.chat;

import chat.nexus.auth.SocketSession;
import chat.nexus.errors.ApiException;
import chat.nexus.rooms.RoomAccess;
import chat.nexus.rooms.RoomIds;
import chat.nexus.socketio.Socket;
import chat.nexus.store.Blocking;
import chat.nexus.store.Message;
import chat.nexus.store.MessageChanges;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What people do to messages once sent: {@code message:edit} and {@code message:delete} (their own;
 * a room's moderators delete anyone's), {@code message:react} (a toggle per user and emoji), and
 * the quote of the message a {@code message:send} with {@code replyTo} answers. Each change is
 * announced to the room as {@code message:updated} with the whole message, the same payload for
 * every recipient; a change already made (a second delete, an edit to the same text) is acked with
 * the message and announced no more.
 */
final class MessageActions {

  /** Registers one client event of a socket, rate limited and acked like the others. */
  interface Events {
    void on(String event, Function<JsonObject, Future<JsonObject>> action);
  }

  private static final Logger LOG = LoggerFactory.getLogger(MessageActions.class);

  private final MessageChanges changes;
  private final Blocking blocking;
  private final RoomRoles roles;
  private final RoomAccess access;
  private volatile Attachments attachments = Attachments.NONE;

  MessageActions(MessageChanges changes, Blocking blocking, RoomRoles roles, RoomAccess access) {
    this.changes = changes;
    this.blocking = blocking;
    this.roles = roles;
    this.access = access;
  }

  void attach(Socket socket, SocketSession session, Events events) {
    events.on("message:edit", payload -> edit(socket, session, payload));
    events.on("message:delete", payload -> delete(socket, session, payload));
    events.on("message:react", payload -> react(socket, session, payload));
  }

  private Future<JsonObject> edit(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = joinedRoom(session, payload);
    long id = ClientInput.messageId(payload.getValue("messageId"), "messageId");
    String text = ClientInput.text(payload.getValue("text"), "text");
    // An edit says something new: only who may send now (member, not muted, not blocked).
    return access
        .maySend(roomId, session.userId())
        .compose(v -> blocking.run(() -> changes.edit(roomId, id, session.userId(), text)))
        .map(change -> announce(socket, roomId, change));
  }

  private Future<JsonObject> delete(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = joinedRoom(session, payload);
    long id = ClientInput.messageId(payload.getValue("messageId"), "messageId");
    String userId = session.userId();
    return roles
        .moderates(roomId, userId)
        .compose(moderator -> blocking.run(() -> changes.delete(roomId, id, userId, moderator)))
        .map(
            change -> {
              removeUpload(change.removedAttachment());
              return announce(socket, roomId, change);
            });
  }

  /** A deleted message's upload goes with it: nobody reads it through its link any more. */
  private void removeUpload(String attachment) {
    if (attachment == null) {
      return;
    }
    String uploadId;
    try {
      uploadId = new JsonObject(attachment).getString("id");
    } catch (RuntimeException e) {
      LOG.warn("a deleted message's attachment is not an upload's: {}", e.toString());
      return;
    }
    attachments
        .remove(uploadId)
        .onFailure(e -> LOG.warn("upload {} not removed: {}", uploadId, e.toString()));
  }

  void attachments(Attachments attachments) {
    this.attachments = attachments;
  }

  private Future<JsonObject> react(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = joinedRoom(session, payload);
    long id = ClientInput.messageId(payload.getValue("messageId"), "messageId");
    String emoji = Emoji.check(payload.getValue("emoji"));
    return access
        .maySend(roomId, session.userId())
        .compose(v -> blocking.run(() -> changes.react(roomId, id, session.userId(), emoji)))
        .map(
            toggle -> {
              JsonObject ack =
                  announce(socket, roomId, new MessageChanges.Change(toggle.message(), true));
              JsonObject message = ack.getJsonObject("message");
              return ack.put("messageId", id)
                  .put("emoji", emoji)
                  .put("reacted", toggle.reacted())
                  .put("reactions", message.getJsonArray("reactions", new JsonArray()));
            });
  }

  /**
   * The quote of the message a reply answers, or null (no round trip) when {@code replyTo} is
   * absent.
   */
  Future<Message.Quote> quote(String roomId, Object replyTo) {
    if (replyTo == null) {
      return Future.succeededFuture();
    }
    long id = ClientInput.messageId(replyTo, "replyTo");
    return blocking.run(() -> changes.quote(roomId, id));
  }

  /**
   * Adds {@code myReactions} (the emoji {@code userId} reacted with) to the messages of a history
   * page whose reactions' {@code userIds} cannot tell: an emoji used by more people than it lists,
   * without this user among them. One query for the page, and only then.
   */
  Future<JsonArray> markOwnReactions(String roomId, String userId, JsonArray page) {
    List<Long> unclear = new ArrayList<>();
    for (int i = 0; i < page.size(); i++) {
      JsonObject message = page.getJsonObject(i);
      JsonArray reactions = message.getJsonArray("reactions");
      if (reactions != null && unclear(reactions, userId)) {
        unclear.add(message.getLong("id"));
      }
    }
    if (unclear.isEmpty()) {
      return Future.succeededFuture(page);
    }
    return blocking
        .run(() -> changes.reactedWith(roomId, userId, unclear))
        .map(
            mine -> {
              for (int i = 0; i < page.size(); i++) {
                JsonObject message = page.getJsonObject(i);
                long id = message.getLong("id");
                if (unclear.contains(id)) {
                  message.put("myReactions", new JsonArray(mine.getOrDefault(id, List.of())));
                }
              }
              return page;
            });
  }

  private static boolean unclear(JsonArray reactions, String userId) {
    for (int i = 0; i < reactions.size(); i++) {
      JsonObject entry = reactions.getJsonObject(i);
      JsonArray users = entry.getJsonArray("userIds");
      if (entry.getLong("count") > users.size() && !users.contains(userId)) {
        return true;
      }
    }
    return false;
  }

  /** Sends a change to the room (both users' inboxes for a direct room); the ack. */
  private static JsonObject announce(Socket socket, String roomId, MessageChanges.Change change) {
    JsonObject message = change.message().toJson();
    if (change.changed()) {
      ChatEvents.recipients(socket, roomId).emit("message:updated", message);
    }
    return new JsonObject().put("message", message);
  }

  private static String joinedRoom(SocketSession session, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    if (!session.joinedRooms().contains(roomId)) {
      throw ApiException.forbidden("join the room first");
    }
    return roomId;
  }
}
