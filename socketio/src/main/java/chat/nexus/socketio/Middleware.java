package chat.nexus.socketio;

import io.vertx.core.Future;

/**
 * Runs before a namespace accepts a socket, in the order added; the connection handler runs only
 * after all have succeeded. A failed future refuses the connection: with a {@link ConnectError} the
 * client gets its message and data, with any other failure its message.
 */
@FunctionalInterface
public interface Middleware {
  Future<Void> apply(Socket socket);
}
