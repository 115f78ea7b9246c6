package chat.nexus.rooms;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

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

  /** The message of {@link Kind#ANY}: every node forgets all it cached. */
  public static final String EVERYTHING = message(Kind.ANY, "", "");

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile Function<String, Future<Void>> outbound = message -> Future.succeededFuture();

  private final AtomicLong applied = new AtomicLong();

  public void listen(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Reads with {@code read} and caches what it read with {@code cache}, unless a change was applied
   * on this node meanwhile: the read may predate that change.
   */
  public <T> Future<T> readThenCache(Supplier<Future<T>> read, Consumer<? super T> cache) {
    long seen = applied.get();
    return read.get()
        .onSuccess(
            value -> {
              if (applied.get() == seen) {
                cache.accept(value);
              }
            });
  }

  /**
   * Where changes made on this node go for the other nodes (a Redis channel); the future completes
   * once they are on their way to every node, and never fails.
   */
  public void shareThrough(Function<String, Future<Void>> outbound) {
    this.outbound = outbound;
  }

  /**
   * A change made on this node: applied here, then sent to the other nodes. Completes when sent.
   */
  public Future<Void> changed(Kind kind, String roomId, String userId) {
    apply(kind, roomId, userId);
    return outbound.apply(message(kind, roomId, userId));
  }

  /** Changes may have been missed (this node's link to the others was down): forgets all. */
  public void forgetAll() {
    apply(Kind.ANY, "", "");
  }

  private static String message(Kind kind, String roomId, String userId) {
    return kind.name() + SEPARATOR + roomId + SEPARATOR + userId;
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
