package chat.nexus.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online in which room on this node, counted per socket so that a user with several tabs stays
 * online until the last one leaves. Thread-safe.
 */
public final class Presence {

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> rooms = new ConcurrentHashMap<>();

  /** Counts one more socket of the user in the room; true when the user just came online there. */
  public boolean join(String roomId, String userId) {
    boolean[] first = {false};
    rooms.computeIfAbsent(roomId, r -> new ConcurrentHashMap<>()).compute(userId, (u, count) -> {
      first[0] = count == null;
      return count == null ? 1 : count + 1;
    });
    return first[0];
  }

  /** Counts one socket less; true when the user just went offline there. */
  public boolean leave(String roomId, String userId) {
    boolean[] last = {false};
    rooms.computeIfPresent(roomId, (r, users) -> {
      users.computeIfPresent(userId, (u, count) -> {
        last[0] = count <= 1;
        return count <= 1 ? null : count - 1;
      });
      return users.isEmpty() ? null : users;
    });
    return last[0];
  }

  /** The users online in the room. */
  public List<String> members(String roomId) {
    Map<String, Integer> users = rooms.get(roomId);
    return users == null ? List.of() : List.copyOf(users.keySet());
  }
}
