package chat.nexus.conversations;

import chat.nexus.runtime.Caches;
import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read markers, written behind: a {@code read} moves the marker in memory at once (this node's
 * conversation lists and the user's other sockets see it then), and the markers moved since the
 * last flush are written together every {@link #FLUSH_INTERVAL}, all of them one transaction. A
 * marker written less than {@link #SPACING} ago waits until then: a user reading a busy room every
 * few seconds costs one UPDATE per {@link #SPACING}, not one per read, while a read after a quiet
 * spell reaches the database within a second. The database only ever moves a marker forward, so two
 * nodes writing the same marker keep the higher one. A stop writes every waiting marker; a crash
 * loses at most {@link #SPACING} of them (those messages show as unread again).
 */
final class ReadMarkers {

  private static final Logger LOG = LoggerFactory.getLogger(ReadMarkers.class);

  static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** The least time between two writes of one marker while its user keeps reading. */
  static final Duration SPACING = Duration.ofSeconds(30);

  /**
   * Markers waiting for a flush; beyond this a flush starts at once rather than the map growing.
   */
  static final int MAX_PENDING = 50_000;

  /** Markers this node has moved, kept so that the next read compares against them. */
  private static final long KNOWN = 200_000;

  private static final Duration KNOWN_TTL = Duration.ofMinutes(10);

  /** A user's marker in one room. */
  record Key(String roomId, String userId) {}

  private final ConversationStore store;
  private final Blocking blocking;
  private final Map<Key, Long> pending = new ConcurrentHashMap<>();
  private final Cache<Key, Long> known =
      Caches.inline().maximumSize(KNOWN).expireAfterWrite(KNOWN_TTL).build();

  /** Markers written less than {@link #SPACING} ago. */
  private final Cache<Key, Boolean> written =
      Caches.inline().maximumSize(KNOWN).expireAfterWrite(SPACING).build();

  private final AtomicBoolean flushing = new AtomicBoolean();

  /** The periodic flush being written, if any (a list waits for it: it may hold the user's). */
  private volatile Future<Void> writing = Future.succeededFuture();

  ReadMarkers(Vertx vertx, ConversationStore store, Blocking blocking) {
    this.store = store;
    this.blocking = blocking;
    vertx.setPeriodic(FLUSH_INTERVAL.toMillis(), id -> flush(false));
  }

  /** The marker as this node last moved it, if it did. */
  OptionalLong known(String roomId, String userId) {
    Long marker = known.getIfPresent(new Key(roomId, userId));
    return marker == null ? OptionalLong.empty() : OptionalLong.of(marker);
  }

  /**
   * Moves the marker to {@code messageId} if that is further than {@code current}; true when it
   * moved.
   */
  boolean advance(String roomId, String userId, long current, long messageId) {
    Key key = new Key(roomId, userId);
    long[] moved = {0};
    known
        .asMap()
        .compute(
            key,
            (k, was) -> {
              long base = Math.max(current, was == null ? 0 : was);
              if (messageId <= base) {
                return base;
              }
              moved[0] = 1;
              return messageId;
            });
    if (moved[0] == 0) {
      return false;
    }
    pending.merge(key, messageId, Math::max);
    if (pending.size() >= MAX_PENDING) {
      flush(true);
    }
    return true;
  }

  /**
   * Writes this user's waiting markers now, and waits for a flush under way (before their
   * conversation list is read).
   */
  Future<Void> flushUser(String userId) {
    Map<Key, Long> mine = new HashMap<>();
    for (Map.Entry<Key, Long> entry : pending.entrySet()) {
      if (entry.getKey().userId().equals(userId)) {
        take(entry.getKey(), entry.getValue(), mine);
      }
    }
    // Read after taking: a flush that took one of the user's markers had already set it.
    return Future.join(writing, write(mine)).mapEmpty();
  }

  /**
   * Writes the waiting markers not written within {@link #SPACING}, or with {@code all} every
   * waiting marker (one flush at a time).
   */
  void flush(boolean all) {
    if (pending.isEmpty() || !flushing.compareAndSet(false, true)) {
      return;
    }
    Promise<Void> flushed = Promise.promise();
    writing = flushed.future();
    Map<Key, Long> batch = new HashMap<>();
    for (Map.Entry<Key, Long> entry : pending.entrySet()) {
      if (all || written.getIfPresent(entry.getKey()) == null) {
        take(entry.getKey(), entry.getValue(), batch);
      }
    }
    write(batch).onComplete(flushed).onComplete(done -> flushing.set(false));
  }

  /** Writes every waiting marker (the node stops); completes once they are written or failed. */
  Future<Void> close() {
    Map<Key, Long> batch = new HashMap<>();
    for (Map.Entry<Key, Long> entry : pending.entrySet()) {
      take(entry.getKey(), entry.getValue(), batch);
    }
    return write(batch);
  }

  /**
   * Moves a waiting marker into the batch, unless a read moved it meanwhile (sockets of other event
   * loops advance markers while this one flushes): then the newer value waits for the next flush.
   */
  private void take(Key key, Long marker, Map<Key, Long> batch) {
    if (pending.remove(key, marker)) {
      batch.merge(key, marker, Math::max);
      written.put(key, Boolean.TRUE);
    }
  }

  private Future<Void> write(Map<Key, Long> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return blocking
        .run(
            () -> {
              store.advance(batch);
              return (Void) null;
            })
        .onFailure(
            failure -> {
              LOG.warn(
                  "{} read markers not written, retrying: {}", batch.size(), failure.toString());
              if (pending.size() < MAX_PENDING) {
                batch.forEach((key, marker) -> pending.merge(key, marker, Math::max));
              }
            });
  }
}
