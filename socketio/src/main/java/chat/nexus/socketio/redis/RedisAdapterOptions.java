package chat.nexus.socketio.redis;

import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the Redis adapter. Immutable; build with {@link #builder(String)}. Defaults are the
 * npm {@code @socket.io/redis-adapter}'s where it has the setting, so that a Node.js cluster and
 * Nexus nodes configured with defaults share channels.
 */
public final class RedisAdapterOptions {

  /** The npm adapter's and emitter's channel prefix ({@code key} / {@code channelPrefix}). */
  public static final String DEFAULT_KEY = "socket.io";

  /**
   * The npm adapter's requestsTimeout: how long fetchSockets and serverSideEmit wait for other
   * nodes.
   */
  public static final long DEFAULT_REQUESTS_TIMEOUT_MS = 5_000;

  /**
   * First reconnection delay; doubled on each failure up to {@link
   * #DEFAULT_MAX_RECONNECT_DELAY_MS}.
   */
  public static final long DEFAULT_INITIAL_RECONNECT_DELAY_MS =
      RedisLinkOptions.DEFAULT_INITIAL_RECONNECT_DELAY_MS;

  /** Longest wait between reconnection attempts: a restarted Redis is back in use within this. */
  public static final long DEFAULT_MAX_RECONNECT_DELAY_MS =
      RedisLinkOptions.DEFAULT_MAX_RECONNECT_DELAY_MS;

  /** A connection attempt to a Redis that does not answer gives up after this. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = RedisLinkOptions.DEFAULT_CONNECT_TIMEOUT_MS;

  /**
   * Commands sent but not yet answered per connection; beyond it a publish is dropped (and
   * counted), so a stalled Redis holds at most this many messages in memory.
   */
  public static final int DEFAULT_MAX_PENDING_COMMANDS =
      RedisLinkOptions.DEFAULT_MAX_PENDING_COMMANDS;

  /**
   * Requests to other nodes (fetchSockets, serverSideEmit with acks) waiting for answers at once.
   */
  public static final int DEFAULT_MAX_PENDING_REQUESTS = 1_024;

  /**
   * How the sharded adapter maps rooms to channels (the npm createShardedAdapter's
   * subscriptionMode).
   */
  public enum SubscriptionMode {
    /** Two channels per namespace. */
    STATIC,
    /**
     * Plus one channel per public room (the npm default). The npm "dynamic-private" is not
     * supported.
     */
    DYNAMIC
  }

  private final String url;
  private final String key;
  private final boolean sharded;
  private final Optional<RedisStreamsOptions> streams;
  private final SubscriptionMode subscriptionMode;
  private final long requestsTimeoutMs;
  private final boolean publishOnSpecificResponseChannel;
  private final long initialReconnectDelayMs;
  private final long maxReconnectDelayMs;
  private final long connectTimeoutMs;
  private final int maxPendingCommands;
  private final int maxPendingRequests;

  private RedisAdapterOptions(Builder b) {
    this.url = Objects.requireNonNull(b.url, "url");
    RedisAddress.parse(b.url);
    if (b.key == null || b.key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    positive("requestsTimeoutMs", b.requestsTimeoutMs);
    positive("initialReconnectDelayMs", b.initialReconnectDelayMs);
    positive("maxReconnectDelayMs", b.maxReconnectDelayMs);
    positive("connectTimeoutMs", b.connectTimeoutMs);
    positive("maxPendingCommands", b.maxPendingCommands);
    positive("maxPendingRequests", b.maxPendingRequests);
    this.key = b.key;
    this.sharded = b.sharded;
    this.streams = Optional.ofNullable(b.streams);
    this.subscriptionMode = Objects.requireNonNull(b.subscriptionMode, "subscriptionMode");
    this.requestsTimeoutMs = b.requestsTimeoutMs;
    this.publishOnSpecificResponseChannel = b.publishOnSpecificResponseChannel;
    this.initialReconnectDelayMs = b.initialReconnectDelayMs;
    this.maxReconnectDelayMs = Math.max(b.maxReconnectDelayMs, b.initialReconnectDelayMs);
    this.connectTimeoutMs = b.connectTimeoutMs;
    this.maxPendingCommands = b.maxPendingCommands;
    this.maxPendingRequests = b.maxPendingRequests;
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /**
   * Options for the Redis at this address: one server ({@code
   * redis://[user:password@]host:port[/db]}), a cluster's seeds or sentinels ({@link
   * RedisAddress}).
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  public String url() {
    return url;
  }

  /** The servers without credentials (host:port, a cluster's seeds, the sentinels): for logs. */
  public String endpointDescription() {
    return RedisAddress.parse(url).description();
  }

  /** The channel prefix. */
  public String key() {
    return key;
  }

  /**
   * Redis 7 sharded pub/sub (SPUBLISH/SSUBSCRIBE) with the npm createShardedAdapter's channels and
   * messages.
   */
  public boolean sharded() {
    return sharded;
  }

  /**
   * The Redis Streams mode (npm {@code @socket.io/redis-streams-adapter}), when set: broadcasts
   * through a stream, sessions recovered on any node. With {@link #sharded()} its requests use
   * sharded pub/sub, as the npm adapter's {@code useShardedPubSub}.
   */
  public Optional<RedisStreamsOptions> streams() {
    return streams;
  }

  public SubscriptionMode subscriptionMode() {
    return subscriptionMode;
  }

  public long requestsTimeoutMs() {
    return requestsTimeoutMs;
  }

  /**
   * Classic adapter: answer requests on the requester's own response channel ({@code
   * key-response#nsp#uid#}) instead of the shared one. Off by default, as in the npm adapter 8.x;
   * both are listened to either way.
   */
  public boolean publishOnSpecificResponseChannel() {
    return publishOnSpecificResponseChannel;
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

  public int maxPendingRequests() {
    return maxPendingRequests;
  }

  /** The settings of the adapter's link: no command timeout, a publish is bounded by the queue. */
  RedisLinkOptions link() {
    return RedisLinkOptions.builder(url)
        .reconnectDelayMs(initialReconnectDelayMs, maxReconnectDelayMs)
        .connectTimeoutMs(connectTimeoutMs)
        .maxPendingCommands(maxPendingCommands)
        .build();
  }

  public static final class Builder {
    private final String url;
    private String key = DEFAULT_KEY;
    private boolean sharded;
    private RedisStreamsOptions streams;
    private SubscriptionMode subscriptionMode = SubscriptionMode.DYNAMIC;
    private long requestsTimeoutMs = DEFAULT_REQUESTS_TIMEOUT_MS;
    private boolean publishOnSpecificResponseChannel;
    private long initialReconnectDelayMs = DEFAULT_INITIAL_RECONNECT_DELAY_MS;
    private long maxReconnectDelayMs = DEFAULT_MAX_RECONNECT_DELAY_MS;
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private int maxPendingCommands = DEFAULT_MAX_PENDING_COMMANDS;
    private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;

    private Builder(String url) {
      this.url = url;
    }

    public Builder key(String value) {
      this.key = value;
      return this;
    }

    public Builder sharded(boolean value) {
      this.sharded = value;
      return this;
    }

    /** The Redis Streams mode with these settings; null (the default) for pub/sub only. */
    public Builder streams(RedisStreamsOptions value) {
      this.streams = value;
      return this;
    }

    public Builder subscriptionMode(SubscriptionMode value) {
      this.subscriptionMode = value;
      return this;
    }

    public Builder requestsTimeoutMs(long value) {
      this.requestsTimeoutMs = value;
      return this;
    }

    public Builder publishOnSpecificResponseChannel(boolean value) {
      this.publishOnSpecificResponseChannel = value;
      return this;
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

    public Builder maxPendingRequests(int value) {
      this.maxPendingRequests = value;
      return this;
    }

    public RedisAdapterOptions build() {
      return new RedisAdapterOptions(this);
    }
  }
}
