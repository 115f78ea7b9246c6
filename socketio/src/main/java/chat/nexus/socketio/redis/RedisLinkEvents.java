package chat.nexus.socketio.redis;

import chat.nexus.socketio.redis.RedisLink.Role;

/**
 * What happens to a {@link RedisLink}, for its user to log or count in its own words (the link
 * itself logs nothing of its state); called on the link's context, never after {@link
 * RedisLink#close()}.
 */
public interface RedisLinkEvents {
  /** A connection could not be opened at its first try; the link keeps trying with backoff. */
  default void cannotConnect(Role role, Throwable cause) {}

  /** An open connection ended or broke; the link opens a new one. */
  default void lost(Role role) {}

  /** {@link RedisLink#isUp()} turned true; {@code again} when it had been up before. */
  default void up(boolean again) {}

  /** {@link RedisLink#isUp()} turned false, because of {@code cause}. */
  default void down(Throwable cause) {}

  /** A subscription's listener threw on a message from {@code channel}; it was dropped. */
  default void listenerFailed(String channel, RuntimeException error) {}
}
