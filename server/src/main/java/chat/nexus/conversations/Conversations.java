package chat.nexus.conversations;

import chat.nexus.errors.ApiException;
import chat.nexus.rooms.Blocks;
import chat.nexus.rooms.Members;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.RoomChanges;
import chat.nexus.rooms.RoomIds;
import chat.nexus.runtime.Caches;
import chat.nexus.socketio.Socket;
import chat.nexus.store.Blocking;
import chat.nexus.store.Message;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations that follow the user across devices: the read markers ({@code read}, pushed to the
 * user's other sockets as {@code conversation:read} and to a direct room's peer as {@code
 * receipt}), mentions and notifications of new messages, and the conversation list ({@link
 * ConversationList}). On the send path a message without '@' in a room costs nothing here but one
 * cache write; a direct room's first message on a node records both memberships once.
 */
public final class Conversations {

  private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);

  /** Rooms whose newest message id this node knows (from its own sends and from lookups). */
  private static final long NEWEST_KNOWN = 100_000;

  /** Direct rooms whose two memberships this node has recorded. */
  private static final long DIRECT_KNOWN = 100_000;

  private static final Future<List<String>> NO_MENTIONS = Future.succeededFuture(List.of());

  private final Members members;
  private final Blocks blocks;
  private final ConversationStore store;
  private final Blocking blocking;
  private final ReadMarkers markers;
  private final MentionDirectory directory;
  private final ConversationList list;
  private final Cache<String, Long> newest = Caches.inline().maximumSize(NEWEST_KNOWN).build();
  private final Cache<String, Boolean> directRooms =
      Caches.inline().maximumSize(DIRECT_KNOWN).build();

  public Conversations(
      Vertx vertx, ConversationStore store, Members members, Blocks blocks, Blocking blocking) {
    this.members = members;
    this.blocks = blocks;
    this.store = store;
    this.blocking = blocking;
    this.markers = new ReadMarkers(vertx, store, blocking);
    this.list = new ConversationList(store, blocking, markers);
    this.directory = new MentionDirectory(store, blocking);
    members
        .changes()
        .listen(
            (kind, roomId, userId) -> {
              if (kind == RoomChanges.Kind.MEMBER || kind == RoomChanges.Kind.REMOVED) {
                directory.roomChanged(roomId);
              } else if (kind == RoomChanges.Kind.ANY) {
                directory.forgetAll();
              }
            });
  }

  /** A user's profile changed (here or on another node): their names may have. */
  public void profileChanged(String userId) {
    directory.userChanged(userId);
  }

  /** Any profile may have changed (a node's Redis link was down). */
  public void profilesChanged() {
    directory.forgetAll();
  }

  /** Writes the read markers still waiting (the node stops). */
  public Future<Void> close() {
    return markers.close();
  }

  /** The conversation list of GET /api/me/conversations. */
  public Future<JsonObject> list(String userId) {
    return list.of(userId);
  }

  /**
   * Before a message is stored: the members its {@code @name}s mention (never the sender), and for
   * a direct room the two memberships (once per node). No work when neither applies.
   */
  public Future<List<String>> beforeSend(String roomId, String userId, String text) {
    if (RoomIds.isDirect(roomId)) {
      return directRooms.getIfPresent(roomId) != null ? NO_MENTIONS : recordDirect(roomId);
    }
    Set<String> names = MentionNames.in(text);
    if (names.isEmpty()) {
      return NO_MENTIONS;
    }
    return directory
        .named(roomId, names)
        .map(
            named -> {
              if (!named.contains(userId)) {
                return named;
              }
              List<String> ids = new ArrayList<>(named);
              ids.remove(userId);
              return List.copyOf(ids);
            });
  }

  /** Both users of a direct room become its members, told to every node as a join is. */
  private Future<List<String>> recordDirect(String roomId) {
    String[] users = RoomIds.directMembers(roomId);
    return members
        .add(roomId, users[0], Role.MEMBER)
        .compose(first -> members.add(roomId, users[1], Role.MEMBER))
        .map(
            second -> {
              directRooms.put(roomId, Boolean.TRUE);
              return List.<String>of();
            });
  }

  /**
   * After a message is stored and broadcast: its mentions recorded, and notifications to every
   * socket of the mentioned users, or of a direct room's other user. {@code json} is the message as
   * broadcast; {@code fresh} is false for a retry's repeat (notified the first time).
   */
  public void afterSend(
      Socket socket, Message message, JsonObject json, List<String> mentioned, boolean fresh) {
    newest.asMap().merge(message.roomId(), message.id(), Math::max);
    if (!fresh) {
      return;
    }
    String roomId = message.roomId();
    if (RoomIds.isDirect(roomId)) {
      String peer = peerOf(roomId, message.userId());
      socket.to(RoomIds.inbox(peer)).emit("notification", notification("direct", roomId, json));
      return;
    }
    if (mentioned.isEmpty()) {
      return;
    }
    // Users who blocked the sender get no notification (the sender's text on their screens); the
    // message's mentions stay as they are, the same for everyone, not telling the sender.
    List<Future<Boolean>> blocked = new ArrayList<>(mentioned.size());
    for (String userId : mentioned) {
      blocked.add(blocks.blocks(userId, message.userId()));
    }
    Future.all(blocked)
        .onSuccess(
            done -> {
              List<String> inboxes = new ArrayList<>(mentioned.size());
              for (int i = 0; i < mentioned.size(); i++) {
                if (!blocked.get(i).result()) {
                  inboxes.add(RoomIds.inbox(mentioned.get(i)));
                }
              }
              if (!inboxes.isEmpty()) {
                socket
                    .to(inboxes.toArray(String[]::new))
                    .emit("notification", notification("mention", roomId, json));
              }
            })
        .onFailure(
            e ->
                LOG.warn(
                    "mention notifications of message {} not sent: {}",
                    message.id(),
                    e.toString()));
  }

  private static JsonObject notification(String kind, String roomId, JsonObject message) {
    return new JsonObject().put("kind", kind).put("roomId", roomId).put("message", message);
  }

  /** The other user of a direct room (the user themself in a room with oneself). */
  static String peerOf(String roomId, String userId) {
    String[] users = RoomIds.directMembers(roomId);
    return users[0].equals(userId) ? users[1] : users[0];
  }

  /**
   * The {@code read} event: moves the user's marker in the room forward to {@code messageId} (never
   * back, never past the room's newest message), tells the user's other sockets and a direct room's
   * peer, and acks the marker. A socket still in the room (joined, not removed by a moderator
   * since) was let in already: then a marker this node moved lately is the one to move on from,
   * with no membership lookup.
   */
  public Future<JsonObject> read(Socket socket, String userId, String roomId, long messageId) {
    long known = socket.isIn(roomId) ? markers.marker(roomId, userId) : ReadMarkers.UNKNOWN;
    if (known != ReadMarkers.UNKNOWN) {
      return moveTo(socket, roomId, userId, known, messageId);
    }
    return members
        .mayRead(roomId, userId)
        .compose(
            allowed -> {
              if (!allowed) {
                throw ApiException.forbidden("this room is private to its members");
              }
              return members.find(roomId, userId);
            })
        .compose(
            membership -> {
              if (membership.isEmpty()) {
                throw ApiException.forbidden("join the room first");
              }
              return moveTo(socket, roomId, userId, membership.get().lastReadId(), messageId);
            });
  }

  /** Moves the marker from {@code stored} towards {@code messageId}; the ack. */
  private Future<JsonObject> moveTo(
      Socket socket, String roomId, String userId, long stored, long messageId) {
    Long newestKnown = newest.getIfPresent(roomId);
    if (newestKnown != null && newestKnown >= messageId) {
      return Future.succeededFuture(move(socket, roomId, userId, stored, messageId));
    }
    return blocking
        .run(() -> store.newestId(roomId))
        .map(
            newestId -> {
              newest.asMap().merge(roomId, newestId, Math::max);
              return move(socket, roomId, userId, stored, Math.min(messageId, newestId));
            });
  }

  /** Moves the marker from {@code stored} to {@code target} (never back); the ack. */
  private JsonObject move(Socket socket, String roomId, String userId, long stored, long target) {
    long before = markers.advance(roomId, userId, stored, target);
    if (target > before) {
      announceRead(socket, roomId, userId, target);
    }
    return new JsonObject().put("roomId", roomId).put("lastReadId", Math.max(before, target));
  }

  private void announceRead(Socket socket, String roomId, String userId, long lastReadId) {
    // Volatile: kept out of the recovery log, where a read every few seconds per user would crowd
    // out the messages; a tab that was away reloads its conversation list on reconnect.
    socket
        .to(RoomIds.inbox(userId))
        .asVolatile()
        .emit(
            "conversation:read",
            new JsonObject().put("roomId", roomId).put("lastReadId", lastReadId));
    if (RoomIds.isDirect(roomId)) {
      String peer = peerOf(roomId, userId);
      if (!peer.equals(userId)) {
        socket
            .to(RoomIds.inbox(peer))
            .emit(
                "receipt",
                new JsonObject()
                    .put("roomId", roomId)
                    .put("userId", userId)
                    .put("lastReadId", lastReadId));
      }
    }
  }

  /**
   * A history page (message JSON objects of one room) with each message's {@code mentions}, as
   * message:new had them: one query per page of a room, none for a direct room.
   */
  public Future<JsonArray> withMentions(String roomId, JsonArray messages) {
    if (messages.isEmpty() || RoomIds.isDirect(roomId)) {
      return Future.succeededFuture(messages);
    }
    long from = Long.MAX_VALUE;
    long to = 0;
    for (int i = 0; i < messages.size(); i++) {
      long id = messages.getJsonObject(i).getLong("id");
      from = Math.min(from, id);
      to = Math.max(to, id);
    }
    long first = from;
    long last = to;
    return blocking
        .run(() -> store.mentionsOf(roomId, first, last))
        .map(
            found -> {
              if (!found.isEmpty()) {
                for (int i = 0; i < messages.size(); i++) {
                  JsonObject m = messages.getJsonObject(i);
                  List<String> ids = found.get(m.getLong("id"));
                  if (ids != null) {
                    m.put("mentions", mentionsJson(ids));
                  }
                }
              }
              return messages;
            });
  }

  /** The mention ids as the message JSON carries them. */
  public static JsonArray mentionsJson(List<String> mentioned) {
    return new JsonArray(new ArrayList<>(mentioned));
  }
}
