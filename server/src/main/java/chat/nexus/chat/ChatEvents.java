package chat.nexus.chat;

import chat.nexus.auth.SocketSession;
import chat.nexus.conversations.Conversations;
import chat.nexus.errors.ApiException;
import chat.nexus.observability.Metrics;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.rooms.Members;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.RoomAccess;
import chat.nexus.rooms.RoomChanges;
import chat.nexus.rooms.RoomIds;
import chat.nexus.runtime.Caches;
import chat.nexus.socketio.BroadcastOperator;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import chat.nexus.store.MessageStore;
import chat.nexus.store.MessageWriter;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.Function;

/**
 * The chat events of a connected socket (see the contract): rooms, messages, history, typing,
 * presence. Every client event is acknowledged with {ok: true, ...} or the error shape.
 */
public final class ChatEvents {

  private static final long KNOWN_ROOMS = 100_000;

  /**
   * More rooms than a chat screen shows; each join costs a row and a member list
   * (MAX_ROOMS_PER_SOCKET).
   */
  public static final int DEFAULT_MAX_ROOMS_PER_SOCKET = 100;

  /** Members listed in a room:join ack; its memberCount says how many are online in all. */
  public static final int JOIN_ACK_MAX_MEMBERS = 100;

  private final MessageStore messages;
  private final Blocking blocking;
  private final Presence presence;
  private final Members members;
  private final RoomAccess access;
  private final Conversations conversations;
  private final Cache<String, Boolean> knownRooms =
      Caches.inline().maximumSize(KNOWN_ROOMS).build();

  private final RateLimits limits;
  private final MessageActions actions;
  private final HistoryReads history;
  private volatile int maxRoomsPerSocket = DEFAULT_MAX_ROOMS_PER_SOCKET;
  private final MessageSends sends;

  public ChatEvents(
      MessageStore messages,
      MessageWriter writer,
      Blocking blocking,
      Presence presence,
      Members members,
      RoomAccess access,
      Conversations conversations,
      Metrics metrics,
      RateLimits limits) {
    this.members = members;
    this.access = access;
    this.conversations = conversations;
    this.limits = limits;
    this.messages = messages;
    this.blocking = blocking;
    this.presence = presence;
    this.actions =
        new MessageActions(
            messages.changes(),
            blocking,
            (roomId, userId) ->
                members.role(roomId, userId).map(role -> role.map(Role::moderates).orElse(false)),
            access);
    this.history = new HistoryReads(messages, blocking, members, actions, conversations);
    this.sends = new MessageSends(writer, access, conversations, actions, metrics);
  }

  /** Rooms one socket may be in at once (its own and its user's inbox not counted). */
  public ChatEvents maxRoomsPerSocket(int max) {
    this.maxRoomsPerSocket = max;
    return this;
  }

  /** Wires a newly connected, authenticated socket. */
  public void attach(Socket socket) {
    SocketSession session = SocketSession.of(socket);
    if (socket.recovered()) {
      rejoin(socket, session);
    }
    socket.join(RoomIds.inbox(session.userId()));
    on(socket, session, "room:join", payload -> join(socket, session, payload));
    on(socket, session, "room:leave", payload -> leave(socket, session, payload));
    on(socket, session, "message:send", payload -> send(socket, session, payload));
    on(socket, session, "history", payload -> history(session, payload));
    on(socket, session, "typing", payload -> typing(socket, session, payload));
    actions.attach(socket, session, (event, action) -> on(socket, session, event, action));
    on(
        socket,
        session,
        "read",
        payload ->
            conversations.read(
                socket,
                session.userId(),
                RoomIds.validate(payload.getValue("roomId")),
                ClientInput.messageId(payload.getValue("messageId"), "messageId")));
    socket.onDisconnect(
        reason -> {
          for (String roomId : session.joinedRooms()) {
            goOffline(socket, session, roomId);
          }
          session.joinedRooms().clear();
        });
  }

  /**
   * Connection state recovery gave the socket its rooms back: it is a member, and online, there
   * again, unless it was removed (kick, ban) while away: the recovered session still lists the
   * room, which the socket then leaves.
   */
  private void rejoin(Socket socket, SocketSession session) {
    String userId = session.userId();
    for (String roomId : socket.rooms()) {
      if (RoomIds.isRoomId(roomId) && session.joinedRooms().add(roomId)) {
        if (RoomIds.isDirect(roomId)) {
          comeBack(socket, roomId, userId);
          continue;
        }
        members
            .find(roomId, userId)
            .onComplete(
                found ->
                    socket
                        .writeLoop()
                        .execute(
                            () -> {
                              if (!socket.connected()) {
                                return; // its disconnect handler ran without this room
                              }
                              if (found.succeeded() && found.result().isEmpty()) {
                                session.joinedRooms().remove(roomId);
                                socket.leave(roomId);
                              } else {
                                comeBack(socket, roomId, userId);
                              }
                            }));
      }
    }
  }

  private void comeBack(Socket socket, String roomId, String userId) {
    presence
        .join(roomId, userId)
        .onSuccess(
            cameOnline -> {
              if (cameOnline) {
                socket.to(roomId).emit("presence", presenceEvent(roomId, userId, "online"));
              }
            });
  }

  /** A client event, counted against the events limit of the socket's user, then acked. */
  private void on(
      Socket socket,
      SocketSession session,
      String event,
      Function<JsonObject, Future<JsonObject>> action) {
    socket.on(
        event,
        e -> EventAcks.handle(e, limits.event(socket, session.userId(), limits.events()), action));
  }

  private Future<JsonObject> join(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    String userId = session.userId();
    if (!RoomIds.mayAccess(roomId, userId)) {
      throw ApiException.forbidden("this direct room belongs to other users");
    }
    checkRoomCount(session, roomId);
    return ensureRoom(roomId)
        .compose(v -> access.admit(roomId, userId))
        .compose(
            v -> {
              checkRoomCount(session, roomId);
              if (!session.joinedRooms().add(roomId)) {
                // an operator may have made the socket leave (Admin UI): joining puts it back
                if (!socket.rooms().contains(roomId)) {
                  socket.join(roomId);
                }
                return Future.succeededFuture();
              }
              socket.join(roomId);
              return presence
                  .join(roomId, userId)
                  .map(
                      cameOnline -> {
                        if (cameOnline) {
                          socket
                              .to(roomId)
                              .emit("presence", presenceEvent(roomId, userId, "online"));
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

  private void checkRoomCount(SocketSession session, String roomId) {
    Set<String> rooms = session.joinedRooms();
    if (rooms.size() >= maxRoomsPerSocket && !rooms.contains(roomId)) {
      throw ApiException.forbidden(
          "a connection may be in at most " + maxRoomsPerSocket + " rooms: leave one first");
    }
  }

  private Future<JsonObject> leave(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    if (session.joinedRooms().remove(roomId)) {
      socket.leave(roomId);
      goOffline(socket, session, roomId);
    }
    return Future.succeededFuture(new JsonObject());
  }

  /**
   * A moderator may have removed the socket from the room (kick, ban) on any node: then the
   * socket's session forgets the room too, and the refusal says why.
   */
  private void checkStillIn(Socket socket, SocketSession session, String roomId) {
    if (!socket.rooms().contains(roomId)) {
      forgetRoom(socket, session, roomId);
      throw ApiException.forbidden("you were removed from this room");
    }
  }

  private void forgetRoom(Socket socket, SocketSession session, String roomId) {
    if (session.joinedRooms().remove(roomId)) {
      socket.leave(roomId);
      goOffline(socket, session, roomId);
    }
  }

  /**
   * A member removed by a moderator (on this node or another): this node's sockets of that user
   * leave the room, each on its own event loop, and go offline there.
   */
  private void removedHere(SocketIoServer io, String roomId, String userId) {
    io.sockets()
        .local()
        .in(RoomIds.inbox(userId))
        .fetchSockets()
        .onSuccess(
            found -> {
              for (var remote : found) {
                if (remote instanceof Socket socket) {
                  socket
                      .writeLoop()
                      .execute(() -> forgetRoom(socket, SocketSession.of(socket), roomId));
                }
              }
            });
  }

  private void goOffline(Socket socket, SocketSession session, String roomId) {
    String userId = session.userId();
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

  private Future<JsonObject> send(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    if (!session.joinedRooms().contains(roomId)) {
      throw ApiException.forbidden("join the room before sending to it");
    }
    checkStillIn(socket, session, roomId);
    return sends.send(socket, session.userId(), roomId, payload);
  }

  /** What messages may carry besides text (uploads), when the server takes them. */
  public ChatEvents attachments(Attachments attachments) {
    sends.attachments(attachments);
    actions.attachments(attachments);
    return this;
  }

  /** Who hears of each new room message once it is stored (room companions). */
  public ChatEvents onSent(SentMessages sent) {
    sends.sent(sent);
    return this;
  }

  /**
   * The room's other sockets; for a direct room also every socket of its two users, joined or not
   * (the other user sees a new conversation, the sender's other tabs their own message).
   */
  static BroadcastOperator recipients(Socket socket, String roomId) {
    String[] members = RoomIds.isDirect(roomId) ? RoomIds.directMembers(roomId) : null;
    return members == null
        ? socket.to(roomId)
        : socket.to(roomId, RoomIds.inbox(members[0]), RoomIds.inbox(members[1]));
  }

  private Future<JsonObject> history(SocketSession session, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    Long before = ClientInput.before(payload.getValue("before"));
    Long around = ClientInput.around(payload.getValue("around"), before);
    int limit = ClientInput.historyLimit(payload.getValue("limit"));
    return history
        .readable(roomId, session.userId(), before, around, limit)
        .map(list -> new JsonObject().put("messages", list));
  }

  /** A room's history as its readers see it; shared with the REST twin. */
  public HistoryReads history() {
    return history;
  }

  private Future<JsonObject> typing(Socket socket, SocketSession session, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    Object isTyping = payload.getValue("isTyping");
    if (!(isTyping instanceof Boolean typingNow)) {
      throw ApiException.badRequest("isTyping is required (true or false)");
    }
    if (!session.joinedRooms().contains(roomId)) {
      throw ApiException.forbidden("join the room first");
    }
    checkStillIn(socket, session, roomId);
    socket
        .to(roomId)
        .asVolatile()
        .emit(
            "typing",
            new JsonObject()
                .put("roomId", roomId)
                .put("userId", session.userId())
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
   * Presence changes the presence found by itself (a dead node's users) go to the room's members.
   */
  public void announceTo(SocketIoServer io) {
    presence.onChange(
        (roomId, userId, status) ->
            io.to(roomId).emit("presence", presenceEvent(roomId, userId, status)));
    members
        .changes()
        .listen(
            (kind, roomId, userId) -> {
              if (kind == RoomChanges.Kind.REMOVED) {
                removedHere(io, roomId, userId);
              }
            });
  }

  private static JsonObject presenceEvent(String roomId, String userId, String status) {
    return new JsonObject().put("roomId", roomId).put("userId", userId).put("status", status);
  }
}
