package chat.nexus.chat;

import io.vertx.core.Future;

/** Who may moderate a room: a moderator (or its owner) may delete anyone's message there. */
@FunctionalInterface
interface RoomRoles {

  /** Whether {@code userId} may moderate {@code roomId}; on the caller's context. */
  Future<Boolean> moderates(String roomId, String userId);
}
