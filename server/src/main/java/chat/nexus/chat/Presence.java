package chat.nexus.chat;

import io.vertx.core.Future;
import java.util.List;

/**
 * Who is online in which room: {@link LocalPresence} on a single node, {@link RedisPresence} across
 * the nodes sharing a Redis. A user with several tabs (on one node or several) is online in a room
 * until the last of them leaves.
 */
public interface Presence {

  /** Announces presence changes that no socket event caused (a dead node's users going offline). */
  interface Announcer {
    void announce(String roomId, String userId, String status);
  }

  /** One more socket of the user in the room; true when the user just came online there. */
  Future<Boolean> join(String roomId, String userId);

  /** One socket less; true when the user just went offline there. */
  Future<Boolean> leave(String roomId, String userId);

  /** How many users are online in a room, and some of them. */
  record Members(int count, List<String> some) {}

  /**
   * How many users are online in the room, and at most {@code limit} of them (which ones, when
   * there are more, is unspecified): a room of any size costs about {@code limit} names.
   */
  Future<Members> members(String roomId, int limit);

  /** Where changes found by the presence itself go; the default drops them. */
  default void onChange(Announcer announcer) {}

  /** Leaves: this node's users go offline (where they are on no other node). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
