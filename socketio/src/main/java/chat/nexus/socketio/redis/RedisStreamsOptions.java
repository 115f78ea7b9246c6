package chat.nexus.socketio.redis;

import java.util.Objects;

/**
 * Settings of the Redis Streams mode of the adapter (npm {@code @socket.io/redis-streams-adapter}
 * 0.3): broadcasts and room operations go through one Redis stream, which also holds the packets a
 * client missed for connection state recovery on any node. Defaults are the npm adapter's, so that
 * a Node.js cluster and Nexus nodes configured with defaults share the stream. Immutable; build
 * with {@link #builder()}.
 */
public final class RedisStreamsOptions {

  /** The npm adapter's {@code streamName}. */
  public static final String DEFAULT_STREAM_NAME = "socket.io";

  /**
   * The npm adapter's {@code maxLen}: entries the stream keeps (trimmed with "~", so a little
   * more). This is the recovery window in packets: a client that was away while more entries were
   * added is not recovered and starts a new session.
   */
  public static final int DEFAULT_MAX_LEN = 10_000;

  /** The npm adapter's {@code readCount}: entries fetched per XREAD, the batch a node decodes. */
  public static final int DEFAULT_READ_COUNT = 100;

  /**
   * The npm adapter's {@code blockTimeInMs}: how long one XREAD waits for new entries before it is
   * sent again (short enough that a dead connection is noticed soon).
   */
  public static final long DEFAULT_BLOCK_TIME_MS = 5_000;

  /** The npm adapter's {@code sessionKeyPrefix}: a disconnected session is the key prefix + pid. */
  public static final String DEFAULT_SESSION_KEY_PREFIX = "sio:session:";

  private final String streamName;
  private final int maxLen;
  private final int readCount;
  private final long blockTimeMs;
  private final String sessionKeyPrefix;

  private RedisStreamsOptions(Builder b) {
    if (b.streamName == null || b.streamName.isEmpty()) {
      throw new IllegalArgumentException("streamName must not be empty");
    }
    if (b.maxLen <= 0 || b.readCount <= 0 || b.blockTimeMs <= 0) {
      throw new IllegalArgumentException(
          "maxLen, readCount and blockTimeMs must be positive, got "
              + b.maxLen
              + ", "
              + b.readCount
              + " and "
              + b.blockTimeMs);
    }
    this.streamName = b.streamName;
    this.maxLen = b.maxLen;
    this.readCount = b.readCount;
    this.blockTimeMs = b.blockTimeMs;
    this.sessionKeyPrefix = Objects.requireNonNull(b.sessionKeyPrefix, "sessionKeyPrefix");
  }

  public static Builder builder() {
    return new Builder();
  }

  public String streamName() {
    return streamName;
  }

  public int maxLen() {
    return maxLen;
  }

  public int readCount() {
    return readCount;
  }

  public long blockTimeMs() {
    return blockTimeMs;
  }

  public String sessionKeyPrefix() {
    return sessionKeyPrefix;
  }

  public static final class Builder {
    private String streamName = DEFAULT_STREAM_NAME;
    private int maxLen = DEFAULT_MAX_LEN;
    private int readCount = DEFAULT_READ_COUNT;
    private long blockTimeMs = DEFAULT_BLOCK_TIME_MS;
    private String sessionKeyPrefix = DEFAULT_SESSION_KEY_PREFIX;

    private Builder() {}

    public Builder streamName(String value) {
      this.streamName = value;
      return this;
    }

    public Builder maxLen(int value) {
      this.maxLen = value;
      return this;
    }

    public Builder readCount(int value) {
      this.readCount = value;
      return this;
    }

    public Builder blockTimeMs(long value) {
      this.blockTimeMs = value;
      return this;
    }

    public Builder sessionKeyPrefix(String value) {
      this.sessionKeyPrefix = value;
      return this;
    }

    public RedisStreamsOptions build() {
      return new RedisStreamsOptions(this);
    }
  }
}
