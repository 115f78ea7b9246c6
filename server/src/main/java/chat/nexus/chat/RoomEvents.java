package chat.nexus.chat;

import chat.nexus.auth.SocketSession;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.rooms.Membership;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.Room;
import chat.nexus.rooms.RoomChanges;
import chat.nexus.rooms.RoomIds;
import chat.nexus.rooms.Rooms;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The room and moderation events (see README, "Rooms, roles and moderation"): creating and changing
 * rooms, invitations, roles, kicks, bans, mutes, blocks and reports. Owners outrank moderators,
 * moderators members; nobody acts on themselves or on someone of their own rank or above (but an
 * owner gives any role to anyone else).
 */
public final class RoomEvents {

  private final Rooms rooms;
  private final Blocking blocking;
  private final RateLimits limits;
  private final SocketIoServer io;
  private final Moderation moderation;

  public RoomEvents(Rooms rooms, Blocking blocking, RateLimits limits, SocketIoServer io) {
    this.rooms = rooms;
    this.blocking = blocking;
    this.limits = limits;
    this.io = io;
    this.moderation = new Moderation(rooms, blocking, io);
  }

  public void attach(Socket socket) {
    SocketSession session = SocketSession.of(socket);
    String me = session.userId();
    on(socket, me, "room:create", p -> create(me, p));
    on(socket, me, "room:update", p -> update(me, p));
    on(socket, me, "room:invite", p -> moderation.invite(me, p));
    on(socket, me, "room:role", p -> moderation.role(me, p));
    on(socket, me, "room:kick", p -> moderation.kick(me, p));
    on(socket, me, "room:ban", p -> moderation.ban(me, p));
    on(socket, me, "room:unban", p -> moderation.unban(me, p));
    on(socket, me, "room:mute", p -> moderation.mute(me, p, true));
    on(socket, me, "room:unmute", p -> moderation.mute(me, p, false));
    on(socket, me, "user:block", p -> block(me, p, true));
    on(socket, me, "user:unblock", p -> block(me, p, false));
    on(socket, me, "message:report", p -> report(me, p));
  }

  private void on(
      Socket socket, String userId, String event, Function<JsonObject, Future<JsonObject>> action) {
    socket.on(
        event, e -> EventAcks.handle(e, limits.event(socket, userId, limits.events()), action));
  }

  private Future<JsonObject> create(String me, JsonObject payload) {
    Object given = payload.getValue("name", payload.getValue("roomId"));
    if (given == null) {
      throw ApiException.badRequest("name (or roomId) is required");
    }
    String id = RoomIds.validate(given);
    if (RoomIds.isDirect(id)) {
      throw ApiException.badRequest("direct rooms are made by sending, not created");
    }
    String name = (String) given;
    String topic = RoomInput.topic(payload.getValue("topic")).orElse("");
    String visibility =
        RoomInput.visibility(payload.getValue("visibility"), Optional.of(Room.PUBLIC))
            .orElseThrow();
    return blocking
        .run(() -> rooms.rooms().create(id, name, topic, visibility, me))
        .compose(
            created -> {
              if (!created) {
                throw new ApiException(
                    ErrorCode.CONFLICT, "a room named " + id + " exists already: join it instead");
              }
              // nodes may have cached "public, no members" for the id before it existed
              return rooms
                  .members()
                  .roomChanged(id)
                  .compose(v -> rooms.changes().changed(RoomChanges.Kind.MEMBER, id, me));
            })
        .compose(v -> blocking.run(() -> rooms.rooms().find(id).orElseThrow()))
        .map(room -> new JsonObject().put("room", room.toJson()));
  }

  private Future<JsonObject> update(String me, JsonObject payload) {
    String id = RoomIds.validate(payload.getValue("roomId"));
    Optional<String> topic = RoomInput.topic(payload.getValue("topic"));
    Optional<String> visibility =
        RoomInput.visibility(payload.getValue("visibility"), Optional.empty());
    Object nameValue = payload.getValue("name");
    Optional<String> name = Optional.empty();
    if (nameValue != null) {
      if (!(nameValue instanceof String n) || !n.equalsIgnoreCase(id) || !RoomIds.isRoomId(n)) {
        throw ApiException.badRequest(
            "name may change only the case of the room's letters (the id is " + id + ")");
      }
      name = Optional.of(n);
    }
    if (topic.isEmpty() && visibility.isEmpty() && name.isEmpty()) {
      throw ApiException.badRequest("give topic, name or visibility to change");
    }
    boolean ownersOnly = name.isPresent() || visibility.isPresent();
    Optional<String> newName = name;
    return blocking
        .run(() -> rooms.rooms().find(id))
        .compose(
            room -> {
              if (room.isEmpty() || RoomIds.isDirect(id)) {
                throw ApiException.notFound("no room " + id);
              }
              return rooms.members().find(id, me);
            })
        .compose(
            mine -> {
              Role role = mine.map(Membership::role).orElse(Role.MEMBER);
              if (ownersOnly ? role != Role.OWNER : !role.moderates()) {
                throw ApiException.forbidden(
                    ownersOnly
                        ? "only the room's owners change its name or visibility"
                        : "only the room's owners and moderators change its topic");
              }
              return blocking.run(
                  () -> {
                    rooms
                        .rooms()
                        .update(
                            id, newName.orElse(null), topic.orElse(null), visibility.orElse(null));
                    return rooms.rooms().find(id).orElseThrow();
                  });
            })
        .compose(room -> rooms.members().roomChanged(id).map(room))
        .map(
            room -> {
              io.to(id).emit("room:updated", new JsonObject().put("room", room.toJson()));
              return new JsonObject().put("room", room.toJson());
            });
  }

  private Future<JsonObject> block(String me, JsonObject payload, boolean block) {
    String given = RoomInput.userId(payload.getValue("userId"));
    return blocking
        .run(() -> rooms.rooms().userId(given))
        .compose(
            found -> {
              String other = found.orElseThrow(() -> ApiException.notFound("no user " + given));
              if (other.equals(me)) {
                throw ApiException.badRequest("you cannot block yourself");
              }
              return (block ? rooms.blocks().block(me, other) : rooms.blocks().unblock(me, other))
                  .map(
                      changed ->
                          new JsonObject()
                              .put("userId", other)
                              .put("blocked", block)
                              .put("changed", changed));
            });
  }

  private Future<JsonObject> report(String me, JsonObject payload) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    long messageId = ClientInput.messageId(payload.getValue("messageId"), "messageId");
    String reason = RoomInput.reason(payload.getValue("reason"));
    return rooms
        .members()
        .mayRead(roomId, me)
        .compose(
            allowed -> {
              if (!allowed) {
                throw ApiException.forbidden("you may not read this room");
              }
              return blocking.run(
                  () -> {
                    String author =
                        rooms
                            .reports()
                            .author(roomId, messageId)
                            .orElseThrow(
                                () ->
                                    ApiException.notFound(
                                        "no message " + messageId + " in this room"));
                    if (author.equals(me)) {
                      throw ApiException.badRequest("you cannot report your own message");
                    }
                    return rooms.reports().report(roomId, messageId, me, reason);
                  });
            })
        .map(id -> new JsonObject().put("reportId", id));
  }

  /** When a timed sanction ends: now plus the minutes. */
  static Instant after(int minutes) {
    return Instant.now().plus(Duration.ofMinutes(minutes));
  }
}
