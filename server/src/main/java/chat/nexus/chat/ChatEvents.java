package chat.nexus.chat;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import chat.nexus.observability.Metrics;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.socketio.BroadcastOperator;
import chat.nexus.socketio.Socket;
import chat.nexus.store.Blocking;
import chat.nexus.store.Message;
import chat.nexus.store.MessageStore;
import chat.nexus.store.MessageWriter;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * The chat events of a connected socket (see the contract): rooms, messages, history, typing,
 * presence. Every client event is acknowledged with {ok: true, ...} or the error shape.
 */
public final class ChatEvents {

  public static final int MAX_TEXT_LENGTH = 4_000;
  public static final int MAX_CLIENT_ID_LENGTH = 64;
  public static final int DEFAULT_HISTORY_LIMIT = 50;
  public static final int MAX_HISTORY_LIMIT = 100;
  public static final String IDENTITY = "identity";
  private static final String JOINED = "joinedRooms";
  private static final long KNOWN_ROOMS = 100_000;

  /**
   * More rooms than a chat screen shows; each join costs a row and a member list
   * (MAX_ROOMS_PER_SOCKET).
   */
  public static final int DEFAULT_MAX_ROOMS_PER_SOCKET = 100;

  /** Members listed in a room:join ack; its memberCount says how many are online in all. */
  public static final int JOIN_ACK_MAX_MEMBERS = 100;

  private final MessageStore messages;
  private final MessageWriter writer;
  private final Blocking blocking;
  private final Presence presence;
  private final Cache<String, Boolean> knownRooms =
      Caffeine.newBuilder().maximumSize(KNOWN_ROOMS).build();

  private final Metrics metrics;

  private final RateLimits limits;
  private volatile int maxRoomsPerSocket = DEFAULT_MAX_ROOMS_PER_SOCKET;

  public ChatEvents(
      MessageStore messages,
      MessageWriter writer,
      Blocking blocking,
      Presence presence,
      Metrics metrics,
      RateLimits limits) {
    this.metrics = metrics;
    this.limits = limits;
    this.messages = messages;
    this.writer = writer;
    this.blocking = blocking;
    this.presence = presence;
  }

  /** Rooms one socket may be in at once (its own and its user's inbox not counted). */
  public ChatEvents maxRoomsPerSocket(int max) {
    this.maxRoomsPerSocket = max;
    return this;
  }

  /** Wires a newly connected, authenticated socket. */
  public void attach(Socket socket) {
    Set<String> joined = new HashSet<>();
    socket.data().put(JOINED, joined);
    String userId = identity(socket).userId();
    if (socket.recovered()) {
      // Connection state recovery gave the socket its rooms back: it is a member, and online, there
      // again.
      for (String roomId : socket.rooms()) {
        if (RoomIds.isRoomId(roomId) && joined.add(roomId)) {
          presence
              .join(roomId, userId)
              .onSuccess(
                  cameOnline -> {
                    if (cameOnline) {
                      socket.to(roomId).emit("presence", presenceEvent(roomId, userId, "online"));
                    }
                  });
        }
      }
    }
    socket.join(RoomIds.inbox(userId));
    socket.on(
        "room:join",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events()),
                payload -> join(socket, payload)));
    socket.on(
        "room:leave",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events()),
                payload -> leave(socket, payload)));
    socket.on(
        "message:send",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events()),
                payload -> send(socket, payload)));
    socket.on(
        "history",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events()),
                payload -> history(socket, payload)));
    socket.on(
        "typing",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events()),
                payload -> typing(socket, payload)));
    socket.onDisconnect(
        reason -> {
          for (String roomId : joined(socket)) {
            goOffline(socket, roomId);
          }
          joined(socket).clear();
        });
  }

  public static Identity identity(Socket socket) {
    return (Identity) socket.data().get(IDENTITY);
  }

  @SuppressWarnings("unchecked")
  private static Set<String> joined(Socket socket) {
    return (Set<String>) socket.data().get(JOINED);
  }

  private Future<JsonObject> join(Socket socket, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    Identity me = identity(socket);
    if (!RoomIds.mayAccess(roomId, me.userId())) {
      throw ApiException.forbidden("this direct room belongs to other users");
    }
    checkRoomCount(socket, roomId);
    return ensureRoom(roomId)
        .compose(
            v -> {
              checkRoomCount(socket, roomId);
              if (!joined(socket).add(roomId)) {
                return Future.succeededFuture();
              }
              socket.join(roomId);
              return presence
                  .join(roomId, me.userId())
                  .map(
                      cameOnline -> {
                        if (cameOnline) {
                          socket
                              .to(roomId)
                              .emit("presence", presenceEvent(roomId, me.userId(), "online"));
                        }
                        return null;
                      });
            })
        .compose(v -> presence.members(roomId, JOIN_ACK_MAX_MEMBERS))
        .map(
            members ->
                new JsonObject()
                    .put("roomId", roomId)
                    .put("members", new JsonArray(members.some()))
                    .put("memberCount", members.count()));
  }

  private void checkRoomCount(Socket socket, String roomId) {
    Set<String> rooms = joined(socket);
    if (rooms.size() >= maxRoomsPerSocket && !rooms.contains(roomId)) {
      throw ApiException.forbidden(
          "a connection may be in at most " + maxRoomsPerSocket + " rooms: leave one first");
    }
  }

  private Future<JsonObject> leave(Socket socket, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    if (joined(socket).remove(roomId)) {
      socket.leave(roomId);
      goOffline(socket, roomId);
    }
    return Future.succeededFuture(new JsonObject());
  }

  private void goOffline(Socket socket, String roomId) {
    String userId = identity(socket).userId();
    presence
        .leave(roomId, userId)
        .onSuccess(
            wentOffline -> {
              if (wentOffline) {
                socket
                    .namespace()
                    .to(roomId)
                    .except(socket.id())
                    .emit("presence", presenceEvent(roomId, userId, "offline"));
              }
            });
  }

  private Future<JsonObject> send(Socket socket, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    String body = MessageText.check(payload.getValue("text"), "text", MAX_TEXT_LENGTH);
    Object clientId = payload.getValue("clientId");
    if (clientId != null) {
      if (!(clientId instanceof String c) || c.isEmpty() || c.length() > MAX_CLIENT_ID_LENGTH) {
        throw ApiException.badRequest(
            "clientId must be a string of 1-" + MAX_CLIENT_ID_LENGTH + " characters");
      }
      MessageText.checkCharacters(c, "clientId");
    }
    if (!joined(socket).contains(roomId)) {
      throw ApiException.forbidden("join the room before sending to it");
    }
    Identity me = identity(socket);
    long received = System.nanoTime();
    return writer
        .write(new MessageWriter.NewMessage(roomId, me.userId(), body, (String) clientId))
        .map(
            stored -> {
              JsonObject message = stored.message().toJson();
              if (stored.announce()) {
                recipients(socket, roomId)
                    .emit("message:new", message); // a retry's repeat too: receivers dedupe by id
              }
              if (!stored.duplicate()) {
                metrics.messageStored();
              }
              metrics.ackLatency(System.nanoTime() - received);
              return new JsonObject().put("message", message);
            });
  }

  /**
   * The room's other sockets; for a direct room also every socket of its two users, joined or not
   * (the other user sees a new conversation, the sender's other tabs their own message).
   */
  private static BroadcastOperator recipients(Socket socket, String roomId) {
    String[] members = RoomIds.isDirect(roomId) ? RoomIds.directMembers(roomId) : null;
    return members == null
        ? socket.to(roomId)
        : socket.to(roomId, RoomIds.inbox(members[0]), RoomIds.inbox(members[1]));
  }

  private Future<JsonObject> history(Socket socket, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    Long before = optionalId(payload.getValue("before"));
    int limit = limit(payload.getValue("limit"));
    if (!RoomIds.mayAccess(roomId, identity(socket).userId())) {
      throw ApiException.forbidden("this direct room belongs to other users");
    }
    return readHistory(roomId, before, limit).map(list -> new JsonObject().put("messages", list));
  }

  /** Newest first; shared with the REST twin. */
  public Future<JsonArray> readHistory(String roomId, Long before, int limit) {
    return blocking
        .run(() -> messages.history(roomId, before, limit))
        .map(
            list -> {
              JsonArray out = new JsonArray();
              for (Message m : list) {
                out.add(m.toJson());
              }
              return out;
            });
  }

  private Future<JsonObject> typing(Socket socket, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    Object isTyping = payload.getValue("isTyping");
    if (!(isTyping instanceof Boolean typingNow)) {
      throw ApiException.badRequest("isTyping is required (true or false)");
    }
    if (!joined(socket).contains(roomId)) {
      throw ApiException.forbidden("join the room first");
    }
    socket
        .to(roomId)
        .asVolatile()
        .emit(
            "typing",
            new JsonObject()
                .put("roomId", roomId)
                .put("userId", identity(socket).userId())
                .put("isTyping", typingNow));
    return Future.succeededFuture(new JsonObject());
  }

  private Future<Void> ensureRoom(String roomId) {
    if (knownRooms.getIfPresent(roomId) != null) {
      return Future.succeededFuture();
    }
    return blocking
        .run(
            () -> {
              messages.ensureRoom(roomId, RoomIds.isDirect(roomId) ? "direct" : "public");
              return null;
            })
        .onSuccess(v -> knownRooms.put(roomId, true))
        .mapEmpty();
  }

  /**
   * A "before" id: a positive whole number (or its string form, as JavaScript clients may send it).
   */
  public static Long optionalId(Object value) {
    if (value == null) {
      return null;
    }
    try {
      long id =
          value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
              ? n.longValue()
              : Long.parseLong(String.valueOf(value));
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw ApiException.badRequest("before must be a message id (a positive whole number)");
  }

  public static int limit(Object value) {
    if (value == null) {
      return DEFAULT_HISTORY_LIMIT;
    }
    try {
      int limit =
          value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value));
      if (limit >= 1
          && limit <= MAX_HISTORY_LIMIT
          && (!(value instanceof Number n) || n.doubleValue() == limit)) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_HISTORY_LIMIT);
  }

  /**
   * Presence changes the presence found by itself (a dead node's users) go to the room's members.
   */
  public void announceTo(chat.nexus.socketio.SocketIoServer io) {
    presence.onChange(
        (roomId, userId, status) ->
            io.to(roomId).emit("presence", presenceEvent(roomId, userId, status)));
  }

  private static JsonObject presenceEvent(String roomId, String userId, String status) {
    return new JsonObject().put("roomId", roomId).put("userId", userId).put("status", status);
  }
}
