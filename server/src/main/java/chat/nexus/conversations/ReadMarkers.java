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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read markers, written behind: a {@code read} moves the marker in memory at once (this node's
 * conversation lists and the user's other sockets see it then), and the markers moved since the
 * last flush are written together every {@link #FLUSH_INTERVAL}. A marker already written in the
 * current {@link #SPACING} period (or less than half of it ago) waits for the next: a user reading
 * a busy room every few seconds costs about one UPDATE per {@link #SPACING}, not one per read,
 * while a read after a quiet spell reaches the database within a second. The database only ever
 * moves a marker forward, so two nodes writing the same marker keep the higher one. A stop writes
 * every waiting marker; a crash loses at most {@link #SPACING} of them (those messages show as
 * unread again).
 */
final class ReadMarkers {

  private static final Logger LOG = LoggerFactory.getLogger(ReadMarkers.class);

  static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** About the time between two writes of one marker while its user keeps reading. */
  static final Duration SPACING = Duration.ofSeconds(30);

  /**
   * Markers waiting for a flush; beyond this a flush starts at once rather than the map growing.
   */
  static final int MAX_PENDING = 50_000;

  /** Markers this node has moved, kept so that the next read compares against them. */
  private static final long KNOWN = 200_000;

  private static final Duration KNOWN_TTL = Duration.ofMinutes(10);

  /** What {@link #marker} answers for a marker this node has not moved. */
  static final long UNKNOWN = -1;

  /** A user's marker in one room. */
  record Key(String roomId, String userId) {}

  /**
   * A marker as this node moved it, changed in place: a read moves it with no allocation and no
   * cache write, which matters at a read every few seconds from every user.
   */
  private static final class Marker {
    final AtomicLong value = new AtomicLong(UNKNOWN);

    /** When it was last taken for writing ({@link System#nanoTime}); 0 when never. */
    volatile long takenAt;
  }

  private final Vertx vertx;
  private final ConversationStore store;
  private final Blocking blocking;
  private final long timer;

  /** Markers moved since they were last taken for writing. */
  private final Map<Key, Marker> pending = new ConcurrentHashMap<>();

  private final Cache<Key, Marker> known =
      Caches.inline().maximumSize(KNOWN).expireAfterWrite(KNOWN_TTL).build();

  /** A marker dropped from {@link #known} while it waits for a flush is the one to go on with. */
  private final Function<Key, Marker> markerOf =
      key -> {
        Marker waiting = pending.get(key);
        return waiting != null ? waiting : new Marker();
      };

  private final AtomicBoolean flushing = new AtomicBoolean();

  /** The periodic flush being written, if any. */
  private volatile Future<Void> writing = Future.succeededFuture();

  /** The markers of the flush being written, once it has taken them all. */
  private volatile Map<Key, Long> inFlight = Map.of();

  /** A flush is taking markers out of {@link #pending}, not yet all in {@link #inFlight}. */
  private volatile boolean taking;

  /**
   * Where this node's {@link #SPACING} periods start: nodes on one host flush at different times.
   */
  private final long phase = ThreadLocalRandom.current().nextLong();

  ReadMarkers(Vertx vertx, ConversationStore store, Blocking blocking) {
    this.vertx = vertx;
    this.store = store;
    this.blocking = blocking;
    this.timer = vertx.setPeriodic(FLUSH_INTERVAL.toMillis(), id -> flush(false));
  }

  /** The marker as this node last moved it, or {@link #UNKNOWN}. */
  long marker(String roomId, String userId) {
    Marker marker = known.getIfPresent(new Key(roomId, userId));
    return marker == null ? UNKNOWN : marker.value.get();
  }

  /**
   * Moves the marker to {@code messageId} if that is further than {@code current} and than where
   * this node last moved it. The marker before: it moved when that is less than {@code messageId}.
   */
  long advance(String roomId, String userId, long current, long messageId) {
    Key key = new Key(roomId, userId);
    Marker marker = known.get(key, markerOf);
    long was = marker.value.getAndAccumulate(Math.max(current, messageId), Math::max);
    long before = Math.max(current, was);
    if (messageId > before) {
      pending.merge(key, marker, ReadMarkers::latest);
      if (pending.size() >= MAX_PENDING) {
        flush(true);
      }
    }
    return before;
  }

  /**
   * The marker to keep waiting when two are for the same key (one was dropped from {@link #known}
   * while another socket moved it): the newer object, moved at least as far as the other.
   */
  private static Marker latest(Marker waiting, Marker moved) {
    if (waiting != moved) {
      moved.value.accumulateAndGet(waiting.value.get(), Math::max);
    }
    return moved;
  }

  /**
   * Writes this user's markers now, those waiting and those of a flush under way (written twice:
   * the database only moves them forward), before their conversation list is read. A list waits for
   * the flush itself only while that flush is still taking its markers.
   */
  Future<Void> flushUser(String userId) {
    Map<Key, Long> mine = new HashMap<>();
    for (Key key : pending.keySet()) {
      if (key.userId().equals(userId)) {
        take(key, mine, System.nanoTime());
      }
    }
    // Read after taking: a flush that took one of the user's markers set these first.
    boolean midTake = taking;
    Future<Void> underWay = writing;
    inFlight.forEach(
        (key, value) -> {
          if (key.userId().equals(userId)) {
            mine.merge(key, value, Math::max);
          }
        });
    Future<Void> written = write(mine);
    return midTake ? Future.join(underWay, written).mapEmpty() : written;
  }

  /**
   * Writes the waiting markers not yet written in the current {@link #SPACING} period (this node's
   * periods start at a random phase) nor within half of it, or with {@code all} every waiting
   * marker (one flush at a time). Aligned periods put the markers of users who keep reading into
   * one flush at each period's start: a thirtieth of them every second would rewrite nearly every
   * page of the members table every second.
   */
  void flush(boolean all) {
    if (pending.isEmpty() || !flushing.compareAndSet(false, true)) {
      return;
    }
    Promise<Void> flushed = Promise.promise();
    writing = flushed.future();
    taking = true;
    Map<Key, Long> batch = new HashMap<>();
    long now = System.nanoTime();
    long spacing = SPACING.toNanos();
    long periodStart = now - Math.floorMod(now - phase, spacing);
    for (Map.Entry<Key, Marker> entry : pending.entrySet()) {
      long takenAt = entry.getValue().takenAt;
      if (all || takenAt == 0 || (takenAt < periodStart && now - takenAt >= spacing / 2)) {
        take(entry.getKey(), batch, now);
      }
    }
    inFlight = batch;
    taking = false;
    write(batch)
        .onComplete(
            done -> {
              inFlight = Map.of();
              flushing.set(false);
            })
        .onComplete(flushed);
  }

  /**
   * Writes every waiting marker (the node stops), after the flush under way (a failed one puts its
   * markers back); completes once they are written or failed.
   */
  Future<Void> close() {
    vertx.cancelTimer(timer);
    return writing.transform(
        flushed -> {
          Map<Key, Long> batch = new HashMap<>();
          long now = System.nanoTime();
          for (Key key : pending.keySet()) {
            take(key, batch, now);
          }
          return write(batch);
        });
  }

  /**
   * Moves a waiting marker into the batch. Removed before its value is read: a read that moves it
   * meanwhile puts it back, for the next flush.
   */
  private void take(Key key, Map<Key, Long> batch, long now) {
    Marker marker = pending.remove(key);
    if (marker != null) {
      marker.takenAt = now == 0 ? 1 : now;
      batch.merge(key, marker.value.get(), Math::max);
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
              if (pending.size() >= MAX_PENDING) {
                LOG.warn(
                    "{} read markers not written, dropped (too many waiting): {}",
                    batch.size(),
                    failure.toString());
                return;
              }
              LOG.warn(
                  "{} read markers not written, retrying: {}", batch.size(), failure.toString());
              batch.forEach(
                  (key, value) -> {
                    Marker marker = known.get(key, markerOf);
                    marker.value.accumulateAndGet(value, Math::max);
                    pending.merge(key, marker, ReadMarkers::latest);
                  });
            });
  }
}
