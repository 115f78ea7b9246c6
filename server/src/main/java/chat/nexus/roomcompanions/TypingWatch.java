package chat.nexus.roomcompanions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Who is typing in a room that has companions, on this node (the node that answers a mention is the
 * one its author's socket sent it to): a companion waits, a bounded time, while the person it is
 * about to answer types again.
 */
final class TypingWatch {

  /** A typing flag this old without news is forgotten (a client that never said it stopped). */
  static final Duration FRESH = Duration.ofSeconds(5);

  /** Longest a reply waits for its asker to stop typing. */
  static final long MAX_HOLD_MS = 3_000;

  /** How often a held reply looks again. */
  static final long LOOK_EVERY_MS = 200;

  /** People typing at once in rooms with companions, on this node. */
  static final long MAX_TRACKED = 100_000;

  private final Vertx vertx;
  private final Cache<String, Boolean> typing =
      Caffeine.newBuilder().expireAfterWrite(FRESH).maximumSize(MAX_TRACKED).build();

  TypingWatch(Vertx vertx) {
    this.vertx = vertx;
  }

  void typing(String roomId, String userId, boolean now) {
    if (now) {
      typing.put(key(roomId, userId), Boolean.TRUE);
    } else {
      typing.invalidate(key(roomId, userId));
    }
  }

  boolean isTyping(String roomId, String userId) {
    return typing.getIfPresent(key(roomId, userId)) != null;
  }

  /** Completes once the user is not typing in the room, or after {@link #MAX_HOLD_MS}. */
  Future<Void> quiet(String roomId, String userId) {
    if (!isTyping(roomId, userId)) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    long until = System.nanoTime() + MAX_HOLD_MS * 1_000_000;
    vertx.setPeriodic(
        LOOK_EVERY_MS,
        timer -> {
          if (!isTyping(roomId, userId) || System.nanoTime() - until >= 0) {
            vertx.cancelTimer(timer);
            done.tryComplete();
          }
        });
    return done.future();
  }

  private static String key(String roomId, String userId) {
    return roomId + '\n' + userId;
  }
}
