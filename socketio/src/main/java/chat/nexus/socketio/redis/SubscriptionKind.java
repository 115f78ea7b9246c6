package chat.nexus.socketio.redis;

import io.vertx.redis.client.Command;

/**
 * A subscription kind of a {@link RedisLink}: its subscribe command, the name of its confirmation
 * and of its messages.
 */
public enum SubscriptionKind {
  CHANNEL(Command.SUBSCRIBE, Command.UNSUBSCRIBE, "subscribe", "message"),
  PATTERN(Command.PSUBSCRIBE, Command.PUNSUBSCRIBE, "psubscribe", "pmessage"),
  SHARD(Command.SSUBSCRIBE, Command.SUNSUBSCRIBE, "ssubscribe", "smessage");

  final Command subscribe;
  final Command unsubscribe;
  final String confirmation;
  final String message;

  SubscriptionKind(Command subscribe, Command unsubscribe, String confirmation, String message) {
    this.subscribe = subscribe;
    this.unsubscribe = unsubscribe;
    this.confirmation = confirmation;
    this.message = message;
  }
}
