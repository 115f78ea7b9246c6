package chat.nexus.rooms;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Changes of memberships, rooms and blocks that nodes cache: told to this node's listeners at once
 * and, once {@link #shareThrough} is wired (REDIS_URL), to every other node's, so that a mute, ban,
 * kick or role change takes effect everywhere without waiting for a cache's TTL.
 */
public final class RoomChanges {

  /** What changed. */
  public enum Kind {
    /** One membership (role, mute, a new member). */
    MEMBER,
    /** A room's name, topic or visibility. */
    ROOM,
    /** A member removed by a moderator (kick, ban): the user's sockets leave the room. */
    REMOVED,
    /** Whom a user (the userId) blocks. */
    BLOCKS,
    /**
     * Anything: changes may have been missed (a node's link to the others was down); the nodes
     * forget all they cached ({@code roomId} and {@code userId} are empty).
     */
    ANY
  }

  public interface Listener {
    /**
     * Called on an event loop or a worker; {@code roomId} is empty for {@link Kind#BLOCKS}, both
     * ids for {@link Kind#ANY}.
     */
    void changed(Kind kind, String roomId, String userId);
  }

  private static final char SEPARATOR = '\n';

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile Function<String, Future<?>> outbound = message -> Future.succeededFuture();

  /** Whether a change made here could not be sent since the link was last up. */
  private final AtomicBoolean unsent = new AtomicBoolean();

  private final AtomicLong applied = new AtomicLong();

  public void listen(Listener listener) {
    listeners.add(listener);
  }

  /**
   * How many changes this node has applied so far. A cache that reads the database compares it
   * before and after: a read that overlapped a change may predate it, and is not cached.
   */
  public long applied() {
    return applied.get();
  }

  /**
   * Where changes made on this node go for the other nodes (a Redis channel); the future completes
   * once they are on their way to every node (PUBLISH answered).
   */
  public void shareThrough(Function<String, Future<?>> outbound) {
    this.outbound = outbound;
  }

  /**
   * A change made on this node: applied here, then sent to the other nodes. Completes when sent (a
   * failure to send is not the caller's: {@link #resync} makes up for it once the link is back).
   */
  public Future<Void> changed(Kind kind, String roomId, String userId) {
    apply(kind, roomId, userId);
    return outbound
        .apply(kind.name() + SEPARATOR + roomId + SEPARATOR + userId)
        .<Void>mapEmpty()
        .onFailure(e -> unsent.set(true))
        .otherwiseEmpty();
  }

  /**
   * This node's link to the other nodes is up (again): what they sent while it was down never
   * reached it, so it forgets what it cached; and when a change made here could not be sent, every
   * node forgets everything.
   */
  public Future<Void> resync() {
    if (unsent.getAndSet(false)) {
      return changed(Kind.ANY, "", "");
    }
    apply(Kind.ANY, "", "");
    return Future.succeededFuture();
  }

  /** A change another node made ({@link #changed} there); a malformed message is ignored. */
  public void received(String message) {
    int first = message.indexOf(SEPARATOR);
    int second = message.indexOf(SEPARATOR, first + 1);
    if (first < 0 || second < 0) {
      return;
    }
    Kind kind;
    try {
      kind = Kind.valueOf(message.substring(0, first));
    } catch (IllegalArgumentException e) {
      return; // a newer node's kind: nothing cached here for it
    }
    apply(kind, message.substring(first + 1, second), message.substring(second + 1));
  }

  private void apply(Kind kind, String roomId, String userId) {
    applied.incrementAndGet();
    for (Listener listener : listeners) {
      listener.changed(kind, roomId, userId);
    }
  }
}
