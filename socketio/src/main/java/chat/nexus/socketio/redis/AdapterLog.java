package chat.nexus.socketio.redis;

import chat.nexus.socketio.redis.RedisLink.Role;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * What the Redis adapter says about its link: connections that cannot be opened or are lost (local
 * delivery goes on), the link back up, and messages from other nodes it could not read. Logged
 * under {@link RedisLink}'s name. On the link's context.
 */
final class AdapterLog implements RedisLinkEvents {

  private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());

  /** At most one log line per this interval about malformed messages. */
  private static final long MALFORMED_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

  private final String endpoint;
  private final long maxReconnectDelayMs;
  private long malformed;
  private long lastMalformedLog = System.nanoTime() - MALFORMED_LOG_INTERVAL_NS - 1;

  AdapterLog(RedisAdapterOptions options) {
    this.endpoint = options.endpointDescription();
    this.maxReconnectDelayMs = options.maxReconnectDelayMs();
  }

  @Override
  public void cannotConnect(Role role, Throwable cause) {
    LOG.log(
        Level.WARNING,
        "Redis adapter: cannot connect to "
            + endpoint
            + " ("
            + cause.getMessage()
            + "); local delivery continues, retrying with backoff up to "
            + maxReconnectDelayMs
            + " ms");
  }

  @Override
  public void lost(Role role) {
    LOG.log(
        Level.WARNING,
        "Redis adapter: "
            + role
            + " connection to "
            + endpoint
            + " lost; local delivery continues, cross-node delivery resumes on reconnection");
  }

  @Override
  public void up(boolean again) {
    LOG.log(
        Level.INFO,
        "Redis adapter: connected to "
            + endpoint
            + (again ? " again; cross-node delivery resumed" : ""));
  }

  /** A flood of garbage logs once per interval. */
  @Override
  public void listenerFailed(String channel, RuntimeException error) {
    malformed++;
    long now = System.nanoTime();
    if (now - lastMalformedLog > MALFORMED_LOG_INTERVAL_NS) {
      lastMalformedLog = now;
      LOG.log(
          Level.WARNING,
          "Redis adapter: dropped a malformed message on "
              + channel
              + " ("
              + error.getMessage()
              + "); "
              + malformed
              + " so far");
    }
  }
}
