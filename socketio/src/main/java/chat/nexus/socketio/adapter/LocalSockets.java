package chat.nexus.socketio.adapter;

import java.util.Map;

/** The sockets of one namespace on this node, as its adapter reaches them. */
public interface LocalSockets {

  /** The connected socket of that id, or null. */
  Recipient socket(String id);

  /** The connected sockets, by id. */
  Map<String, ? extends Recipient> sockets();
}
