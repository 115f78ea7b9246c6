package chat.nexus.socketio.redis;

import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.Objects;

/**
 * Settings of a {@link RedisLink}. Immutable; build with {@link #builder(String)}. The defaults are
 * the Redis adapter's; a user that wants commands bounded in time sets {@link
 * Builder#commandTimeoutMs} and, to notice a silent Redis without traffic, {@link
 * Builder#pingIntervalMs}.
 */
public final class RedisLinkOptions {

  /** No command timeout, no ping: what the two settings are by default. */
  public static final long NONE = 0;

  /**
   * First reconnection delay; doubled on each failure in a row up to {@link
   * #DEFAULT_MAX_RECONNECT_DELAY_MS}.
   */
  public static final long DEFAULT_INITIAL_RECONNECT_DELAY_MS = 100;

  /** Longest wait between reconnection attempts: a restarted Redis is back in use within this. */
  public static final long DEFAULT_MAX_RECONNECT_DELAY_MS = 2_000;

  /** A connection attempt to a Redis that does not answer gives up after this. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

  /**
   * Commands sent but not yet answered per connection; beyond it a command fails at once, so a
   * stalled Redis holds at most this many in memory.
   */
  public static final int DEFAULT_MAX_PENDING_COMMANDS = 8_192;

  private final String url;
  private final RedisAddress address;
  private final long initialReconnectDelayMs;
  private final long maxReconnectDelayMs;
  private final long connectTimeoutMs;
  private final int maxPendingCommands;
  private final long commandTimeoutMs;
  private final long pingIntervalMs;

  private RedisLinkOptions(Builder b) {
    this.url = Objects.requireNonNull(b.url, "url");
    this.address = RedisAddress.parse(b.url);
    positive("initialReconnectDelayMs", b.initialReconnectDelayMs);
    positive("maxReconnectDelayMs", b.maxReconnectDelayMs);
    positive("connectTimeoutMs", b.connectTimeoutMs);
    positive("maxPendingCommands", b.maxPendingCommands);
    notNegative("commandTimeoutMs", b.commandTimeoutMs);
    notNegative("pingIntervalMs", b.pingIntervalMs);
    this.initialReconnectDelayMs = b.initialReconnectDelayMs;
    this.maxReconnectDelayMs = Math.max(b.maxReconnectDelayMs, b.initialReconnectDelayMs);
    this.connectTimeoutMs = b.connectTimeoutMs;
    this.maxPendingCommands = b.maxPendingCommands;
    this.commandTimeoutMs = b.commandTimeoutMs;
    this.pingIntervalMs = b.pingIntervalMs;
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void notNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }

  /**
   * Options for the Redis at this address: one server's URL ({@code
   * redis://[user:password@]host:port[/db]}), a cluster's seeds or sentinels ({@link
   * RedisAddress}).
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  public String url() {
    return url;
  }

  public RedisAddress address() {
    return address;
  }

  /** The servers without credentials (host:port, a cluster's seeds, the sentinels): for logs. */
  public String endpoint() {
    return address.description();
  }

  public long initialReconnectDelayMs() {
    return initialReconnectDelayMs;
  }

  public long maxReconnectDelayMs() {
    return maxReconnectDelayMs;
  }

  public long connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public int maxPendingCommands() {
    return maxPendingCommands;
  }

  /**
   * {@link #NONE} or how long a command may wait for its answer; when set, a command that fails
   * without an answer from Redis (timed out, connection lost) also counts the link as down until a
   * command is answered again: a Redis that accepts connections but does not answer is an outage.
   */
  public long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  /** {@link #NONE} or how often a PING checks, between commands, that Redis still answers. */
  public long pingIntervalMs() {
    return pingIntervalMs;
  }

  /**
   * The Vert.x client in the address's mode. A cluster connection routes each command by its key's
   * slot and follows MOVED; a Sentinel one asks the sentinels for the primary on every connect.
   * Sentinel's own failover (swapping the socket under an open connection) stays off: the link must
   * see the connection end to subscribe again on the new primary.
   */
  RedisOptions clientOptions() {
    RedisAddress address = address();
    RedisOptions redis =
        new RedisOptions()
            .setMaxWaitingHandlers(maxPendingCommands())
            .setNetClientOptions(
                new NetClientOptions()
                    .setConnectTimeout((int) connectTimeoutMs())
                    .setTcpKeepAlive(true)
                    .setTcpNoDelay(true));
    address.endpoints().forEach(redis::addConnectionString);
    switch (address.topology()) {
      case STANDALONE -> redis.setType(RedisClientType.STANDALONE);
      case CLUSTER -> redis.setType(RedisClientType.CLUSTER);
      case SENTINEL ->
          redis
              .setType(RedisClientType.SENTINEL)
              .setRole(RedisRole.MASTER)
              .setMasterName(address.masterName().orElseThrow())
              .setAutoFailover(false);
    }
    return redis;
  }

  public static final class Builder {
    private final String url;
    private long initialReconnectDelayMs = DEFAULT_INITIAL_RECONNECT_DELAY_MS;
    private long maxReconnectDelayMs = DEFAULT_MAX_RECONNECT_DELAY_MS;
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private int maxPendingCommands = DEFAULT_MAX_PENDING_COMMANDS;
    private long commandTimeoutMs = NONE;
    private long pingIntervalMs = NONE;

    private Builder(String url) {
      this.url = url;
    }

    public Builder reconnectDelayMs(long initial, long max) {
      this.initialReconnectDelayMs = initial;
      this.maxReconnectDelayMs = max;
      return this;
    }

    public Builder connectTimeoutMs(long value) {
      this.connectTimeoutMs = value;
      return this;
    }

    public Builder maxPendingCommands(int value) {
      this.maxPendingCommands = value;
      return this;
    }

    public Builder commandTimeoutMs(long value) {
      this.commandTimeoutMs = value;
      return this;
    }

    public Builder pingIntervalMs(long value) {
      this.pingIntervalMs = value;
      return this;
    }

    public RedisLinkOptions build() {
      return new RedisLinkOptions(this);
    }
  }
}
