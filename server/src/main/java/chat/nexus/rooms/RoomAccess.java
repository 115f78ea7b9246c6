package chat.nexus.rooms;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * Who may join a room and who may send to it. Joining: the two users a direct room; anyone a public
 * room, unless banned; a private room its members and the users invited (the invitation is used up
 * by the join). Sending: members not muted, and in a direct room not blocked by the other user.
 * Sending is the hot path: for a known member it reads only caches (memberships, blocks).
 */
public final class RoomAccess {

  private final Members members;
  private final Blocks blocks;
  private final RoomStore rooms;
  private final Blocking blocking;

  public RoomAccess(Members members, Blocks blocks, RoomStore rooms, Blocking blocking) {
    this.members = members;
    this.blocks = blocks;
    this.rooms = rooms;
    this.blocking = blocking;
  }

  /** Makes the user a member when they may join; FORBIDDEN with the reason otherwise. */
  public Future<Membership> admit(String roomId, String userId) {
    if (RoomIds.isDirect(roomId)) {
      if (!RoomIds.mayAccess(roomId, userId)) {
        return Future.failedFuture(
            ApiException.forbidden("this direct room belongs to other users"));
      }
      return members.add(roomId, userId, Role.MEMBER);
    }
    return members
        .find(roomId, userId)
        .compose(
            known -> {
              if (known.isPresent()) {
                return Future.succeededFuture(known.get());
              }
              return blocking
                  .run(() -> rooms.admission(roomId, userId))
                  .compose(admission -> admitNew(roomId, userId, admission));
            });
  }

  private Future<Membership> admitNew(String roomId, String userId, RoomStore.Admission admission) {
    if (admission.banned()) {
      throw ApiException.forbidden(
          admission
              .bannedUntil()
              .map(until -> "you are banned from this room until " + until)
              .orElse("you are banned from this room"));
    }
    if (Room.PRIVATE.equals(admission.visibility()) && !admission.invited()) {
      throw ApiException.forbidden("this room is private: a member has to invite you");
    }
    Future<Membership> added = members.add(roomId, userId, Role.MEMBER);
    if (!admission.invited()) {
      return added;
    }
    return added.compose(
        m ->
            blocking.run(
                () -> {
                  rooms.uninvite(roomId, userId);
                  return m;
                }));
  }

  /** Completes when the user may send to the room now; FORBIDDEN with the reason otherwise. */
  public Future<Void> maySend(String roomId, String userId) {
    return members
        .find(roomId, userId)
        .compose(
            membership -> {
              Optional<Membership> m = membership;
              if (m.isEmpty()) {
                throw ApiException.forbidden("you are not a member of this room (any more)");
              }
              Instant mutedUntil = m.get().mutedUntil();
              if (m.get().mutedAt(Instant.now())) {
                throw new ApiException(
                    ErrorCode.FORBIDDEN,
                    "you are muted in this room until " + mutedUntil,
                    Math.max(1, mutedUntil.getEpochSecond() - Instant.now().getEpochSecond()));
              }
              if (!RoomIds.isDirect(roomId)) {
                return Future.succeededFuture();
              }
              String[] pair = RoomIds.directMembers(roomId);
              String other = pair[0].equals(userId) ? pair[1] : pair[0];
              return blocks
                  .blocks(other, userId)
                  .map(
                      blocked -> {
                        if (blocked) {
                          throw ApiException.forbidden("you cannot send messages to this person");
                        }
                        return null;
                      });
            });
  }
}
