package chat.nexus.search;

import chat.nexus.errors.ApiException;
import chat.nexus.rooms.Members;
import chat.nexus.rooms.RoomIds;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Searching the messages a user may read: every room they belong to (public and private rooms they
 * joined, direct rooms they opened), or one room they name that they may read (any public room,
 * their direct rooms, private rooms they are a member of). Results are newest first, a page at a
 * time (keyset: {@code before} = the last result's id).
 */
public final class MessageSearch {

  private final SearchStore store;
  private final Members members;
  private final Blocking blocking;

  public MessageSearch(SearchStore store, Members members, Blocking blocking) {
    this.store = store;
    this.members = members;
    this.blocking = blocking;
  }

  /**
   * {@code {messages, nextBefore}}: the page's results (the contract's message shape with snippet,
   * userName and roomName) and the {@code before} of the next page, null after the last.
   */
  public Future<JsonObject> search(String userId, SearchRequest request) {
    Future<Boolean> allowed =
        request
            .roomId()
            .map(roomId -> members.mayRead(roomId, userId))
            .orElse(Future.succeededFuture(true));
    return allowed
        .compose(
            ok -> {
              if (!ok) {
                String roomId = request.roomId().orElseThrow();
                throw ApiException.forbidden(
                    RoomIds.isDirect(roomId)
                        ? "this direct room belongs to other users"
                        : "this room is private to its members");
              }
              return blocking.run(() -> store.search(userId, request));
            })
        .map(found -> page(found, request.limit()));
  }

  private static JsonObject page(List<Found> found, int limit) {
    JsonArray messages = new JsonArray();
    for (int i = 0; i < Math.min(limit, found.size()); i++) {
      messages.add(found.get(i).toJson());
    }
    Long nextBefore = found.size() > limit ? found.get(limit - 1).message().id() : null;
    return new JsonObject().put("messages", messages).put("nextBefore", nextBefore);
  }
}
