package chat.nexus.socketio.adapter;

import java.util.Set;

/**
 * Who a broadcast reaches.
 *
 * @param rooms the rooms to reach; empty means every socket of the namespace
 * @param except rooms (socket ids count as rooms) whose sockets are skipped
 * @param local only this node, even with a cluster adapter
 * @param volatileOnly drop the packet for clients that are not ready to receive it now
 */
public record BroadcastOptions(
    Set<String> rooms, Set<String> except, boolean local, boolean volatileOnly) {

  public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), false, false);

  public BroadcastOptions {
    rooms = Set.copyOf(rooms);
    except = Set.copyOf(except);
  }

  public static BroadcastOptions toRooms(Set<String> rooms) {
    return new BroadcastOptions(rooms, Set.of(), false, false);
  }
}
