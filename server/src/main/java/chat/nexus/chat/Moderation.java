package chat.nexus.chat;

import chat.nexus.errors.ApiException;
import chat.nexus.rooms.Membership;
import chat.nexus.rooms.Role;
import chat.nexus.rooms.RoomIds;
import chat.nexus.rooms.Rooms;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * What owners and moderators do to other users of a room: invite, give roles, kick, ban, mute.
 * Removals reach the user's sockets on every node (the Socket.IO server's cluster-wide
 * socketsLeave, and a {@code room:removed} event in the user's inbox).
 */
final class Moderation {

  private final Rooms rooms;
  private final Blocking blocking;
  private final SocketIoServer io;

  Moderation(Rooms rooms, Blocking blocking, SocketIoServer io) {
    this.rooms = rooms;
    this.blocking = blocking;
    this.io = io;
  }

  /** Who acts on whom where, checked: the actor's role and the target's membership, if any. */
  private record Scene(String roomId, Role actor, String target, Optional<Membership> member) {

    Membership requireMember() {
      return member.orElseThrow(
          () -> ApiException.notFound("that user is not a member of this room"));
    }

    /** Moderators act on members; owners on moderators and members. */
    void checkOutranks() {
      if (member.isPresent() && actor.ordinal() >= member.get().role().ordinal()) {
        throw ApiException.forbidden(
            actor == Role.OWNER
                ? "owners cannot act on other owners: change their role first"
                : "moderators cannot act on owners or other moderators");
      }
    }
  }

  private Future<Scene> scene(String me, JsonObject payload, Role least, String action) {
    String roomId = RoomIds.validate(payload.getValue("roomId"));
    if (RoomIds.isDirect(roomId)) {
      throw ApiException.badRequest("direct rooms have no moderators");
    }
    String given = RoomInput.userId(payload.getValue("userId"));
    return rooms
        .members()
        .find(roomId, me)
        .compose(
            mine -> {
              Role role = mine.map(Membership::role).orElse(Role.MEMBER);
              if (role.ordinal() > least.ordinal()) {
                throw ApiException.forbidden(
                    least == Role.OWNER
                        ? "only the room's owners may " + action
                        : "only the room's owners and moderators may " + action);
              }
              return blocking
                  .run(() -> rooms.rooms().userId(given))
                  .compose(
                      found -> {
                        String target =
                            found.orElseThrow(() -> ApiException.notFound("no user " + given));
                        if (target.equals(me)) {
                          throw ApiException.badRequest("you cannot " + action + " yourself");
                        }
                        return rooms
                            .members()
                            .find(roomId, target)
                            .map(m -> new Scene(roomId, role, target, m));
                      });
            });
  }

  Future<JsonObject> invite(String me, JsonObject payload) {
    return scene(me, payload, Role.MODERATOR, "invite")
        .compose(
            s -> {
              if (s.member().isPresent()) {
                return Future.succeededFuture(
                    new JsonObject().put("userId", s.target()).put("alreadyMember", true));
              }
              return blocking
                  .run(
                      () -> {
                        if (rooms.rooms().admission(s.roomId(), s.target()).banned()) {
                          throw ApiException.forbidden(
                              "that user is banned from this room: unban them first");
                        }
                        rooms.rooms().invite(s.roomId(), s.target(), me);
                        return rooms.rooms().find(s.roomId()).orElseThrow();
                      })
                  .compose(
                      room ->
                          rooms
                              .blocks()
                              .blocks(s.target(), me)
                              .map(blocked -> blocked ? null : room))
                  .map(
                      room -> {
                        // A user who blocked the inviter hears nothing of it (their own text on
                        // every device otherwise); the inviter's ack is the same, not telling.
                        if (room != null) {
                          io.to(RoomIds.inbox(s.target()))
                              .emit(
                                  "room:invited",
                                  new JsonObject()
                                      .put("roomId", s.roomId())
                                      .put("name", room.name())
                                      .put("topic", room.topic())
                                      .put("invitedBy", me));
                        }
                        return new JsonObject()
                            .put("userId", s.target())
                            .put("alreadyMember", false);
                      });
            });
  }

  Future<JsonObject> role(String me, JsonObject payload) {
    Role role = RoomInput.role(payload.getValue("role"));
    return scene(me, payload, Role.OWNER, "change roles")
        .compose(
            s -> {
              Membership target = s.requireMember();
              Future<Void> allowed = Future.succeededFuture();
              if (target.role() == Role.OWNER && role != Role.OWNER) {
                allowed =
                    blocking
                        .run(() -> rooms.members().store().owners(s.roomId()))
                        .map(
                            owners -> {
                              if (owners <= 1) {
                                throw ApiException.forbidden("a room keeps at least one owner");
                              }
                              return null;
                            });
              }
              return allowed
                  .compose(v -> rooms.members().setRole(s.roomId(), s.target(), role))
                  .map(
                      changed -> {
                        JsonObject event =
                            new JsonObject()
                                .put("roomId", s.roomId())
                                .put("userId", s.target())
                                .put("role", role.value());
                        io.to(s.roomId(), RoomIds.inbox(s.target())).emit("room:role", event);
                        return new JsonObject().put("userId", s.target()).put("role", role.value());
                      });
            });
  }

  Future<JsonObject> kick(String me, JsonObject payload) {
    return scene(me, payload, Role.MODERATOR, "kick")
        .compose(
            s -> {
              s.requireMember();
              s.checkOutranks();
              return remove(s, "kicked", Optional.empty())
                  .map(v -> new JsonObject().put("userId", s.target()));
            });
  }

  Future<JsonObject> ban(String me, JsonObject payload) {
    Optional<Instant> until =
        RoomInput.minutes(payload.getValue("minutes"), false).map(RoomEvents::after);
    return scene(me, payload, Role.MODERATOR, "ban")
        .compose(
            s -> {
              s.checkOutranks();
              return blocking
                  .run(
                      () -> {
                        rooms.rooms().ban(s.roomId(), s.target(), me, until.orElse(null));
                        return null;
                      })
                  .compose(v -> remove(s, "banned", until))
                  .map(
                      v ->
                          new JsonObject()
                              .put("userId", s.target())
                              .put("until", until.map(Instant::toString).orElse(null)));
            });
  }

  Future<JsonObject> unban(String me, JsonObject payload) {
    return scene(me, payload, Role.MODERATOR, "unban")
        .compose(
            s ->
                blocking
                    .run(() -> rooms.rooms().unban(s.roomId(), s.target()))
                    .map(
                        was -> {
                          if (!was) {
                            throw ApiException.notFound("that user is not banned from this room");
                          }
                          return new JsonObject().put("userId", s.target());
                        }));
  }

  Future<JsonObject> mute(String me, JsonObject payload, boolean mute) {
    Optional<Instant> until =
        mute
            ? RoomInput.minutes(payload.getValue("minutes"), true).map(RoomEvents::after)
            : Optional.empty();
    return scene(me, payload, Role.MODERATOR, mute ? "mute" : "unmute")
        .compose(
            s -> {
              s.requireMember();
              s.checkOutranks();
              return rooms
                  .members()
                  .mute(s.roomId(), s.target(), until.orElse(null))
                  .map(
                      v -> {
                        String mutedUntil = until.map(Instant::toString).orElse(null);
                        io.to(RoomIds.inbox(s.target()))
                            .emit(
                                "room:muted",
                                new JsonObject()
                                    .put("roomId", s.roomId())
                                    .put("until", mutedUntil));
                        return new JsonObject()
                            .put("userId", s.target())
                            .put("mutedUntil", mutedUntil);
                      });
            });
  }

  /**
   * Removes the user from the room on every node: membership (every node's cache told), the
   * Socket.IO room (cluster-wide), then tells the user's devices why.
   */
  private Future<Void> remove(Scene s, String reason, Optional<Instant> until) {
    return rooms
        .members()
        .removeByModerator(s.roomId(), s.target())
        .map(
            removed -> {
              String inbox = RoomIds.inbox(s.target());
              io.in(inbox).socketsLeave(s.roomId());
              io.to(inbox)
                  .emit(
                      "room:removed",
                      new JsonObject()
                          .put("roomId", s.roomId())
                          .put("reason", reason)
                          .put("until", until.map(Instant::toString).orElse(null)));
              return null;
            });
  }
}
