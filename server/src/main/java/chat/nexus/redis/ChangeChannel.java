package chat.nexus.redis;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A Redis pub/sub channel on which nodes tell each other what changed in something they cache. A
 * message is the sending node's id, a space, then the change; a node ignores its own. Pub/sub keeps
 * nothing for a node that is away, so when this node's link is up again it forgets everything it
 * cached, and when one of its own changes could not be sent meanwhile, it tells every node to
 * forget everything.
 */
public final class ChangeChannel {

  /** Ends a message's node id (which never contains it). */
  private static final char ORIGIN_END = ' ';

  private final SharedRedis redis;
  private final String channel;
  private final String origin;

  /** Whether a change made here could not be sent since the link was last up. */
  private final AtomicBoolean unsent = new AtomicBoolean();

  private ChangeChannel(SharedRedis redis, String channel, String nodeId) {
    this.redis = redis;
    this.channel = channel;
    this.origin = nodeId + ORIGIN_END;
  }

  /**
   * Subscribes to the channel {@code name} (under the deployment's prefix): {@code received} gets
   * every change another node sends; {@code forgetAll} runs when another node sends {@code
   * everything}, and when this node's link is up again.
   */
  public static ChangeChannel open(
      SharedRedis redis,
      String name,
      String nodeId,
      String everything,
      Consumer<String> received,
      Runnable forgetAll) {
    ChangeChannel changes = new ChangeChannel(redis, redis.key(name), nodeId);
    redis.subscribe(
        changes.channel,
        message -> {
          int end = message.indexOf(ORIGIN_END);
          if (!message.startsWith(changes.origin)) {
            String change = message.substring(end + 1);
            if (change.equals(everything)) {
              forgetAll.run();
            } else {
              received.accept(change);
            }
          }
        });
    redis.onStateChange(
        up -> {
          if (up) {
            forgetAll.run();
            if (changes.unsent.getAndSet(false)) {
              changes.publish(everything);
            }
          }
        });
    return changes;
  }

  /**
   * Tells the other nodes of a change made here; completes once it is on its way to every node
   * (PUBLISH answered). A failure is not the caller's: the link-up makes up for it.
   */
  public Future<Void> publish(String change) {
    return redis
        .publish(channel, origin + change)
        .<Void>mapEmpty()
        .onFailure(e -> unsent.set(true))
        .otherwiseEmpty();
  }
}
