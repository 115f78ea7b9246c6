package chat.nexus.chat;

import chat.nexus.conversations.Conversations;
import chat.nexus.errors.ApiException;
import chat.nexus.rooms.Members;
import chat.nexus.rooms.RoomIds;
import chat.nexus.store.Blocking;
import chat.nexus.store.Message;
import chat.nexus.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * A room's history as its readers see it, for the {@code history} event and its REST twin: only for
 * those who may read the room, with the mentions of each message and the reader's own reactions.
 */
public final class HistoryReads {

  private final MessageStore messages;
  private final Blocking blocking;
  private final Members members;
  private final MessageActions actions;
  private final Conversations conversations;

  HistoryReads(
      MessageStore messages,
      Blocking blocking,
      Members members,
      MessageActions actions,
      Conversations conversations) {
    this.messages = messages;
    this.blocking = blocking;
    this.members = members;
    this.actions = actions;
    this.conversations = conversations;
  }

  /**
   * Newest first, ids below {@code before}; with {@code around} (a message id) the page holds that
   * message and those on both sides of it (NOT_FOUND when it is not in the room). FORBIDDEN for a
   * user who may not read the room.
   */
  public Future<JsonArray> readable(
      String roomId, String userId, Long before, Long around, int limit) {
    return members
        .mayRead(roomId, userId)
        .compose(
            allowed -> {
              if (!allowed) {
                throw ApiException.forbidden(
                    RoomIds.isDirect(roomId)
                        ? "this direct room belongs to other users"
                        : "this room is private to its members");
              }
              return blocking
                  .run(
                      () ->
                          around == null
                              ? messages.history(roomId, before, limit)
                              : messages.around(roomId, around, limit))
                  .map(HistoryReads::toJson)
                  .compose(list -> conversations.withMentions(roomId, list));
            })
        .compose(page -> actions.markOwnReactions(roomId, userId, page));
  }

  private static JsonArray toJson(List<Message> list) {
    JsonArray out = new JsonArray();
    for (Message m : list) {
      out.add(m.toJson());
    }
    return out;
  }
}
