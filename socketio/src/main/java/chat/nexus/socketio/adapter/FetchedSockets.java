package chat.nexus.socketio.adapter;

import java.util.List;

/**
 * What a fetchSockets found.
 *
 * @param local this node's sockets
 * @param remote the sockets of other nodes (none with a single node)
 */
public record FetchedSockets(List<Recipient> local, List<SocketDetails> remote) {

  public FetchedSockets {
    local = List.copyOf(local);
    remote = List.copyOf(remote);
  }
}
