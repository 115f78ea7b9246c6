package chat.nexus.rooms;

import chat.nexus.errors.ApiException;
import chat.nexus.runtime.Caches;
import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whom each user blocked: a blocked user may not send the blocker direct messages. What a node
 * knows is cached per blocker and dropped on every node when the blocker changes it, or when a
 * node's link to the others comes back ({@link RoomChanges#resync}).
 */
public final class Blocks {

  /** The most users one user may block. */
  public static final int MAX_BLOCKS = 1_000;

  /** Bounds what a change lost some other way would leave stale (see {@link Members}). */
  static final Duration CACHE_TTL = Duration.ofMinutes(10);

  private static final long CACHED = 100_000;

  private final BlockStore store;
  private final Blocking blocking;
  private final RoomChanges changes;
  private final Cache<String, Set<String>> blocked =
      Caches.inline().maximumSize(CACHED).expireAfterWrite(CACHE_TTL).build();

  public Blocks(BlockStore store, Blocking blocking, RoomChanges changes) {
    this.store = store;
    this.blocking = blocking;
    this.changes = changes;
    changes.listen(
        (kind, roomId, userId) -> {
          if (kind == RoomChanges.Kind.BLOCKS) {
            blocked.invalidate(userId);
          } else if (kind == RoomChanges.Kind.ANY) {
            blocked.invalidateAll();
          }
        });
  }

  /** Whether {@code userId} blocked {@code other}. */
  public Future<Boolean> blocks(String userId, String other) {
    Set<String> known = blocked.getIfPresent(userId);
    if (known != null) {
      return Future.succeededFuture(known.contains(other));
    }
    return changes
        .readThenCache(
            () ->
                blocking.run(
                    () -> {
                      Set<String> ids = new HashSet<>();
                      for (JsonObject b : store.blocked(userId, MAX_BLOCKS)) {
                        ids.add(b.getString("userId"));
                      }
                      return Set.copyOf(ids);
                    }),
            ids -> blocked.put(userId, ids))
        .map(ids -> ids.contains(other));
  }

  /** Whether the block is new; BAD_REQUEST when the user blocks MAX_BLOCKS already. */
  public Future<Boolean> block(String userId, String other) {
    return blocking
        .run(
            () -> {
              if (store.blocked(userId, MAX_BLOCKS).size() >= MAX_BLOCKS) {
                throw ApiException.badRequest(
                    "you block " + MAX_BLOCKS + " people already: unblock someone first");
              }
              return store.block(userId, other);
            })
        .compose(changed -> changes.changed(RoomChanges.Kind.BLOCKS, "", userId).map(changed));
  }

  public Future<Boolean> unblock(String userId, String other) {
    return blocking
        .run(() -> store.unblock(userId, other))
        .compose(changed -> changes.changed(RoomChanges.Kind.BLOCKS, "", userId).map(changed));
  }

  public Future<List<JsonObject>> list(String userId) {
    return blocking.run(() -> store.blocked(userId, MAX_BLOCKS));
  }
}
