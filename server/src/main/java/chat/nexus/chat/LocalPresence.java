package chat.nexus.chat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online in which room on this node, counted per socket so that a user with several tabs
 * stays online until the last one leaves. Thread-safe. The presence of a single node; {@link
 * RedisPresence} builds the cluster's on it.
 */
public final class LocalPresence implements Presence {

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> rooms =
      new ConcurrentHashMap<>();

  @Override
  public Future<Boolean> join(String roomId, String userId) {
    return Future.succeededFuture(joinNow(roomId, userId));
  }

  @Override
  public Future<Boolean> leave(String roomId, String userId) {
    return Future.succeededFuture(leaveNow(roomId, userId));
  }

  @Override
  public Future<Members> members(String roomId, int limit) {
    return Future.succeededFuture(membersNow(roomId, limit));
  }

  /** Counts one more socket of the user in the room; true when the user just came online there. */
  boolean joinNow(String roomId, String userId) {
    boolean[] first = {false};
    rooms
        .computeIfAbsent(roomId, r -> new ConcurrentHashMap<>())
        .compute(
            userId,
            (u, count) -> {
              first[0] = count == null;
              return count == null ? 1 : count + 1;
            });
    return first[0];
  }

  /** Counts one socket less; true when the user just went offline there. */
  boolean leaveNow(String roomId, String userId) {
    boolean[] last = {false};
    rooms.computeIfPresent(
        roomId,
        (r, users) -> {
          users.computeIfPresent(
              userId,
              (u, count) -> {
                last[0] = count <= 1;
                return count <= 1 ? null : count - 1;
              });
          return users.isEmpty() ? null : users;
        });
    return last[0];
  }

  /** How many users are online in the room, and at most {@code limit} of them. */
  Members membersNow(String roomId, int limit) {
    Map<String, Integer> users = rooms.get(roomId);
    if (users == null) {
      return new Members(0, List.of());
    }
    List<String> some = new ArrayList<>(Math.min(limit, users.size()));
    for (String user : users.keySet()) {
      if (some.size() >= limit) {
        break;
      }
      some.add(user);
    }
    return new Members(users.size(), some);
  }

  /** Every (room, user) pair online on this node. */
  List<String[]> pairs() {
    List<String[]> out = new ArrayList<>();
    rooms.forEach(
        (room, users) -> users.keySet().forEach(user -> out.add(new String[] {room, user})));
    return out;
  }
}
