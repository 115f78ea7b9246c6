package chat.nexus.rooms;

import chat.nexus.runtime.Caches;
import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who belongs to which room, and who may read it: anyone a public room, the two users a direct
 * room, the members a private room. Memberships are recorded on the first join and kept across
 * connections. What a node knows stays cached until a change is told ({@link RoomChanges}): every
 * change made through this class is told to every node, which forgets what it cached, and when a
 * node's link to the others comes back every node forgets everything ({@link RoomChanges#resync}).
 * {@link #CACHE_TTL} only bounds what a change lost some other way would leave stale.
 */
public final class Members {

  static final Duration CACHE_TTL = Duration.ofMinutes(10);
  private static final long CACHED = 200_000;

  /** What a cache entry holds for a user who is not a member. */
  private static final Optional<Membership> NONE = Optional.empty();

  private final MemberStore store;
  private final Blocking blocking;
  private final RoomChanges changes;
  private final Cache<String, Optional<Membership>> memberships =
      Caches.inline().maximumSize(CACHED).expireAfterWrite(CACHE_TTL).build();
  private final Cache<String, String> visibilities =
      Caches.inline().maximumSize(CACHED).expireAfterWrite(CACHE_TTL).build();

  public Members(MemberStore store, Blocking blocking) {
    this(store, blocking, new RoomChanges());
  }

  public Members(MemberStore store, Blocking blocking, RoomChanges changes) {
    this.store = store;
    this.blocking = blocking;
    this.changes = changes;
    changes.listen(
        (kind, roomId, userId) -> {
          switch (kind) {
            case MEMBER, REMOVED -> forget(roomId, userId);
            case ROOM -> forgetRoom(roomId);
            case ANY -> {
              memberships.invalidateAll();
              visibilities.invalidateAll();
            }
            default -> {}
          }
        });
  }

  /** The changes this class tells every node of; listen here for removals (kick, ban). */
  public RoomChanges changes() {
    return changes;
  }

  public MemberStore store() {
    return store;
  }

  /** Makes the user a member (with this role when new); a no-op for a known member. */
  public Future<Membership> add(String roomId, String userId, Role role) {
    Optional<Membership> known = memberships.getIfPresent(key(roomId, userId));
    if (known != null && known.isPresent()) {
      return Future.succeededFuture(known.get());
    }
    String key = key(roomId, userId);
    return changes
        .readThenCache(
            () ->
                blocking.run(
                    () -> {
                      boolean added = store.add(roomId, userId, role);
                      return new Added(added, store.find(roomId, userId));
                    }),
            result -> {
              if (!result.added()) {
                memberships.put(key, result.found());
              }
            })
        .map(
            result -> {
              Optional<Membership> found = result.found();
              if (result.added()) {
                changes.changed(RoomChanges.Kind.MEMBER, roomId, userId); // others cached NONE
                memberships.put(key, found); // read after this node's own insert
              }
              return found.orElseThrow();
            });
  }

  /** The user's membership of the room, if any. */
  public Future<Optional<Membership>> find(String roomId, String userId) {
    Optional<Membership> known = memberships.getIfPresent(key(roomId, userId));
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return changes.readThenCache(
        () -> blocking.run(() -> store.find(roomId, userId)),
        found -> memberships.put(key(roomId, userId), found));
  }

  /** The user's role in the room, or empty for a non-member. */
  public Future<Optional<Role>> role(String roomId, String userId) {
    return find(roomId, userId).map(m -> m.map(Membership::role));
  }

  /** Whether the user may read the room's messages and join it without an invitation. */
  public Future<Boolean> mayRead(String roomId, String userId) {
    if (RoomIds.isDirect(roomId)) {
      return Future.succeededFuture(RoomIds.mayAccess(roomId, userId));
    }
    return visibility(roomId)
        .compose(
            visibility ->
                "private".equals(visibility)
                    ? find(roomId, userId).map(Optional::isPresent)
                    : Future.succeededFuture(true));
  }

  /** public, private, or public for a room not created yet. */
  public Future<String> visibility(String roomId) {
    String known = visibilities.getIfPresent(roomId);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return changes.readThenCache(
        () -> blocking.run(() -> store.visibility(roomId).orElse("public")),
        v -> visibilities.put(roomId, v));
  }

  /** The user's rooms (at most {@code limit}). */
  public Future<List<Membership>> roomsOf(String userId, int limit) {
    return blocking.run(() -> store.roomsOf(userId, limit));
  }

  public Future<Boolean> remove(String roomId, String userId) {
    return blocking
        .run(() -> store.remove(roomId, userId))
        .compose(
            removed -> {
              memberships.put(key(roomId, userId), NONE);
              return told(RoomChanges.Kind.MEMBER, roomId, userId, removed);
            });
  }

  /** Tells every node of a change; then the result. */
  private <T> Future<T> told(RoomChanges.Kind kind, String roomId, String userId, T result) {
    return changes.changed(kind, roomId, userId).map(v -> result);
  }

  /**
   * Removes a member on a moderator's word (kick, ban): every node forgets the membership and makes
   * that user's sockets leave the room. Whether the user was a member.
   */
  public Future<Boolean> removeByModerator(String roomId, String userId) {
    return blocking
        .run(() -> store.remove(roomId, userId))
        .compose(removed -> told(RoomChanges.Kind.REMOVED, roomId, userId, removed));
  }

  /** Gives a member another role; whether the user was a member. */
  public Future<Boolean> setRole(String roomId, String userId, Role role) {
    return blocking
        .run(() -> store.setRole(roomId, userId, role))
        .compose(changed -> told(RoomChanges.Kind.MEMBER, roomId, userId, changed));
  }

  /** Mutes a member until then (null: unmutes); whether the user was a member. */
  public Future<Boolean> mute(String roomId, String userId, Instant until) {
    return blocking
        .run(() -> store.mute(roomId, userId, until))
        .compose(changed -> told(RoomChanges.Kind.MEMBER, roomId, userId, changed));
  }

  /** A room's name, topic or visibility changed: every node forgets what it cached of it. */
  public Future<Void> roomChanged(String roomId) {
    return changes.changed(RoomChanges.Kind.ROOM, roomId, "");
  }

  /** Forgets what this node knows of one membership (changed here or on another node). */
  private void forget(String roomId, String userId) {
    memberships.invalidate(key(roomId, userId));
  }

  /** Forgets what this node knows of a room's visibility. */
  private void forgetRoom(String roomId) {
    visibilities.invalidate(roomId);
  }

  private record Added(boolean added, Optional<Membership> found) {}

  private static String key(String roomId, String userId) {
    return roomId + '\n' + userId;
  }
}
