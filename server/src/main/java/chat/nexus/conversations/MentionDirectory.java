package chat.nexus.conversations;

import chat.nexus.runtime.Caches;
import chat.nexus.store.Blocking;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Who an {@code @name} names in a room: the room's members by their lower-case names, loaded once
 * per room and kept until a membership or a profile changes (or {@link #TTL} passes, should a
 * change from another node be missed), so that a message with mentions costs no query. A room of
 * more than {@link #MAX_MEMBERS} members is not kept: its mentions are one query each.
 */
final class MentionDirectory {

  /** As long as a profile is cached (profile changes, unlike room changes, are not resynced). */
  static final Duration TTL = Duration.ofMinutes(10);

  static final int MAX_MEMBERS = 2_000;

  /** Names kept over all rooms (a room counts one while it loads, or when it is too large). */
  private static final long NAMES = 200_000;

  /** Lower-case name to the ids of the members it names; null for a room too large to keep. */
  private record Names(Map<String, List<String>> ids) {
    boolean has(String userId) {
      for (List<String> named : ids.values()) {
        if (named.contains(userId)) {
          return true;
        }
      }
      return false;
    }
  }

  private final ConversationStore store;
  private final Blocking blocking;
  private final Cache<String, Future<Names>> rooms =
      Caches.inline()
          .maximumWeight(NAMES)
          .<String, Future<Names>>weigher(
              (roomId, names) ->
                  names.succeeded() && names.result().ids() != null
                      ? names.result().ids().size()
                      : 1)
          .expireAfterWrite(TTL)
          .build();

  MentionDirectory(ConversationStore store, Blocking blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  /** The ids of the room's members these lower-case names name, in id order, at most 20. */
  Future<List<String>> named(String roomId, Collection<String> names) {
    return namesOf(roomId)
        .compose(
            known -> {
              if (known.ids() == null) {
                return blocking.run(() -> store.membersNamed(roomId, names));
              }
              TreeSet<String> found = new TreeSet<>();
              for (String name : names) {
                found.addAll(known.ids().getOrDefault(name, List.of()));
              }
              return Future.succeededFuture(
                  found.stream().limit(MentionNames.MAX_MENTIONS).toList());
            });
  }

  private Future<Names> namesOf(String roomId) {
    Future<Names> known = rooms.getIfPresent(roomId);
    if (known != null && !known.failed()) {
      return known;
    }
    Future<Names> loading = blocking.run(() -> load(roomId));
    rooms.put(roomId, loading);
    // weighed again once loaded (unless dropped meanwhile), now with its names
    loading.onSuccess(names -> rooms.asMap().replace(roomId, loading, loading));
    return loading;
  }

  private Names load(String roomId) throws Exception {
    List<List<String>> members = store.memberNames(roomId, MAX_MEMBERS + 1);
    if (members.size() > MAX_MEMBERS) {
      return new Names(null);
    }
    Map<String, List<String>> ids = new HashMap<>();
    for (List<String> member : members) {
      String userId = member.get(0);
      for (String name : member.subList(1, member.size())) {
        if (name != null) {
          List<String> named = ids.computeIfAbsent(name, n -> new ArrayList<>(1));
          if (!named.contains(userId)) {
            named.add(userId);
          }
        }
      }
    }
    return new Names(ids);
  }

  /** A membership of the room changed: its members are loaded again on its next mention. */
  void roomChanged(String roomId) {
    rooms.invalidate(roomId);
  }

  /** Changes may have been missed: every room is loaded again on its next mention. */
  void forgetAll() {
    rooms.invalidateAll();
  }

  /**
   * A user's names may have changed: the rooms kept with that user are loaded again, and so are
   * rooms still loading (they may have read the names before the change).
   */
  void userChanged(String userId) {
    rooms
        .asMap()
        .values()
        .removeIf(
            names ->
                !names.isComplete()
                    || (names.succeeded()
                        && names.result().ids() != null
                        && names.result().has(userId)));
  }
}
