package chat.nexus.chat;

import chat.nexus.socketio.Socket;
import chat.nexus.store.Message;

/**
 * Told of each new room message once it is stored and sent to the room, on the node that stored it
 * (so once per message in a cluster), on the sending socket's event loop: it must not block.
 */
public interface SentMessages {

  void sent(Socket socket, Message message);

  SentMessages NONE = (socket, message) -> {};
}
