package chat.nexus.rooms;

import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who belongs to which room, and who may read it: anyone a public room, the two users a direct
 * room, the members a private room. Memberships are recorded on the first join and kept across
 * connections; what a node knows is cached briefly, so a change made on another node (a role, a
 * private room's members) is seen within {@link #CACHE_TTL} unless that node invalidates it.
 */
public final class Members {

  static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final long CACHED = 200_000;

  /** What a cache entry holds for a user who is not a member. */
  private static final Optional<Membership> NONE = Optional.empty();

  private final MemberStore store;
  private final Blocking blocking;
  private final Cache<String, Optional<Membership>> memberships =
      Caffeine.newBuilder().maximumSize(CACHED).expireAfterWrite(CACHE_TTL).build();
  private final Cache<String, String> visibilities =
      Caffeine.newBuilder().maximumSize(CACHED).expireAfterWrite(CACHE_TTL).build();

  public Members(MemberStore store, Blocking blocking) {
    this.store = store;
    this.blocking = blocking;
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
    return blocking
        .run(
            () -> {
              store.add(roomId, userId, role);
              return store.find(roomId, userId);
            })
        .map(
            found -> {
              memberships.put(key(roomId, userId), found);
              return found.orElseThrow();
            });
  }

  /** The user's membership of the room, if any. */
  public Future<Optional<Membership>> find(String roomId, String userId) {
    Optional<Membership> known = memberships.getIfPresent(key(roomId, userId));
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return blocking
        .run(() -> store.find(roomId, userId))
        .onSuccess(found -> memberships.put(key(roomId, userId), found));
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
    return blocking
        .run(() -> store.visibility(roomId).orElse("public"))
        .onSuccess(v -> visibilities.put(roomId, v));
  }

  /** The user's rooms (at most {@code limit}). */
  public Future<List<Membership>> roomsOf(String userId, int limit) {
    return blocking.run(() -> store.roomsOf(userId, limit));
  }

  public Future<Boolean> remove(String roomId, String userId) {
    return blocking
        .run(() -> store.remove(roomId, userId))
        .onSuccess(removed -> memberships.put(key(roomId, userId), NONE));
  }

  /** Forgets what this node knows of one membership (changed here or on another node). */
  public void forget(String roomId, String userId) {
    memberships.invalidate(key(roomId, userId));
  }

  /** Forgets what this node knows of a room's visibility. */
  public void forgetRoom(String roomId) {
    visibilities.invalidate(roomId);
  }

  private static String key(String roomId, String userId) {
    return roomId + '\n' + userId;
  }
}
