package chat.nexus.conversations;

import chat.nexus.conversations.ConversationStore.CompanionRow;
import chat.nexus.conversations.ConversationStore.LastMessage;
import chat.nexus.conversations.ConversationStore.RoomRow;
import chat.nexus.rooms.RoomIds;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /api/me/conversations: the user's rooms and direct rooms (from room_members) and companion
 * conversations, newest activity first, each with its last message, unread and mention counts
 * (capped: {@code unreadMore} / {@code mentionMore} say "99+") and, for a direct room, the peer's
 * read marker. Four queries whatever the number of rooms.
 */
final class ConversationList {

  /** Rooms and direct rooms listed, the most recently active. */
  static final int MAX_ROOMS = 100;

  /** Companion conversations listed, the most recently active. */
  static final int MAX_COMPANIONS = 50;

  private static final int SHOWN_CAP = ConversationStore.COUNT_CAP - 1;

  private final ConversationStore store;
  private final Blocking blocking;
  private final ReadMarkers markers;

  ConversationList(ConversationStore store, Blocking blocking, ReadMarkers markers) {
    this.store = store;
    this.blocking = blocking;
    this.markers = markers;
  }

  private record Entry(Instant activity, JsonObject json) {}

  Future<JsonObject> of(String userId) {
    return markers
        .flushUser(userId)
        .recover(e -> Future.succeededFuture()) // the list still answers, a marker behind
        .compose(v -> blocking.run(() -> read(userId)));
  }

  private JsonObject read(String userId) throws java.sql.SQLException {
    List<RoomRow> rooms = store.rooms(userId, MAX_ROOMS);
    List<CompanionRow> companions = store.companions(userId, MAX_COMPANIONS);
    List<String> directRooms = new ArrayList<>();
    Set<String> people = new HashSet<>();
    for (RoomRow row : rooms) {
      if (RoomIds.isDirect(row.roomId()) && RoomIds.directMembers(row.roomId()) != null) {
        directRooms.add(row.roomId());
        people.add(Conversations.peerOf(row.roomId(), userId));
      }
      if (row.last() != null && row.last().userId() != null) {
        people.add(row.last().userId());
      }
    }
    Map<String, Map.Entry<String, Long>> peers = store.peerMarkers(directRooms, userId);
    Map<String, String> names = store.names(people);

    List<Entry> entries = new ArrayList<>(rooms.size() + companions.size());
    for (RoomRow row : rooms) {
      entries.add(new Entry(activity(row.last(), row.joinedAt()), room(row, userId, peers, names)));
    }
    for (CompanionRow row : companions) {
      entries.add(
          new Entry(
              row.activity(),
              new JsonObject()
                  .put("kind", "companion")
                  .put("id", row.characterId())
                  .put(
                      "character",
                      new JsonObject().put("id", row.characterId()).put("name", row.name()))
                  .put(
                      "conversation",
                      new JsonObject().put("id", row.conversationId()).put("title", row.title()))
                  .put("lastMessage", last(row.last(), names))
                  .put("unreadCount", 0)
                  .put("unreadMore", false)
                  .put("mentionCount", 0)
                  .put("mentionMore", false)));
    }
    entries.sort(Comparator.comparing(Entry::activity).reversed());
    JsonArray out = new JsonArray();
    entries.forEach(e -> out.add(e.json()));
    return new JsonObject()
        .put("ok", true)
        .put("conversations", out)
        .put("limits", new JsonObject().put("rooms", MAX_ROOMS).put("companions", MAX_COMPANIONS));
  }

  private JsonObject room(
      RoomRow row,
      String userId,
      Map<String, Map.Entry<String, Long>> peers,
      Map<String, String> names) {
    boolean direct = RoomIds.isDirect(row.roomId()) && RoomIds.directMembers(row.roomId()) != null;
    long lastReadId = Math.max(row.lastReadId(), markers.marker(row.roomId(), userId));
    JsonObject json =
        new JsonObject()
            .put("kind", direct ? "direct" : "room")
            .put("id", row.roomId())
            .put("lastMessage", last(row.last(), names))
            .put("lastReadId", lastReadId)
            .put("unreadCount", Math.min(row.unread(), SHOWN_CAP))
            .put("unreadMore", row.unread() > SHOWN_CAP || (row.unreadMore() && row.unread() > 0))
            .put("mentionCount", Math.min(row.mentions(), SHOWN_CAP))
            .put("mentionMore", row.mentions() > SHOWN_CAP)
            .put("joinedAt", row.joinedAt().toString());
    if (direct) {
      String peer = Conversations.peerOf(row.roomId(), userId);
      Map.Entry<String, Long> marker = peers.get(row.roomId());
      json.put("peer", new JsonObject().put("id", peer).put("name", names.get(peer)))
          .put(
              "peerLastReadId",
              Math.max(
                  marker == null ? 0L : marker.getValue(),
                  markers.marker(row.roomId(), peer))); // written behind
    } else {
      json.put("name", row.name() != null ? row.name() : row.roomId());
    }
    return json;
  }

  private static Instant activity(LastMessage last, Instant joinedAt) {
    return last != null ? last.createdAt() : joinedAt;
  }

  private static JsonObject last(LastMessage last, Map<String, String> names) {
    if (last == null) {
      return null;
    }
    String text = last.text() == null ? "" : last.text();
    boolean cut = text.length() > ConversationStore.PREVIEW_CHARS;
    JsonObject json =
        new JsonObject()
            .put("id", last.id())
            .put("userId", last.userId())
            .put("text", cut ? text.substring(0, ConversationStore.PREVIEW_CHARS) : text)
            .put("truncated", cut)
            .put("createdAt", last.createdAt().toString());
    if (last.role() != null) {
      json.put("role", last.role());
    }
    if (last.userId() != null && names.containsKey(last.userId())) {
      json.put("userName", names.get(last.userId()));
    }
    return json;
  }
}
