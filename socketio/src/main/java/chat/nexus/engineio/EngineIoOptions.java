package chat.nexus.engineio;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.function.Function;

/**
 * Engine.IO server settings. Immutable; build with {@link #builder()}. Defaults are the reference
 * server's unless noted.
 */
public final class EngineIoOptions {

  /** How often the server pings; the client waits pingInterval + pingTimeout before giving up. */
  public static final long DEFAULT_PING_INTERVAL_MS = 25_000;
  /** How long the server waits for a pong before closing with "ping timeout". */
  public static final long DEFAULT_PING_TIMEOUT_MS = 20_000;
  /** Largest message (and polling request body) accepted, in bytes. */
  public static final int DEFAULT_MAX_PAYLOAD = 1_000_000;
  /** How long a websocket may take between the "2probe" and the "5" that completes an upgrade. */
  public static final long DEFAULT_UPGRADE_TIMEOUT_MS = 10_000;
  /**
   * Bytes a connection may have waiting to be written before it counts as slow. 1 MiB holds about
   * 7,000 chat messages: a healthy client never gets near it, a stalled one cannot eat the heap.
   */
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
  /** How long a connection may stay over the buffer limit before it is closed. */
  public static final long DEFAULT_SLOW_CLIENT_GRACE_MS = 5_000;
  /**
   * Heartbeats are spread over this fraction of the interval for new connections, so that a burst of
   * connections does not ping in lock step forever (pinging 10,000 sockets at once added 100-500 ms to
   * p99 in our prototype).
   */
  public static final double DEFAULT_PING_JITTER = 0.2;

  private final String path;
  private final long pingIntervalMs;
  private final long pingTimeoutMs;
  private final int maxPayload;
  private final long upgradeTimeoutMs;
  private final int maxBufferedBytes;
  private final long slowClientGraceMs;
  private final double pingJitter;
  private final boolean allowPolling;
  private final boolean allowWebSocket;
  private final boolean allowUpgrades;
  private final CorsOptions cors;
  private final Function<HttpServerRequest, Future<Void>> allowRequest;

  private EngineIoOptions(Builder b) {
    this.path = normalizePath(b.path);
    this.pingIntervalMs = positive("pingIntervalMs", b.pingIntervalMs);
    this.pingTimeoutMs = positive("pingTimeoutMs", b.pingTimeoutMs);
    this.maxPayload = (int) positive("maxPayload", b.maxPayload);
    this.upgradeTimeoutMs = positive("upgradeTimeoutMs", b.upgradeTimeoutMs);
    this.maxBufferedBytes = (int) positive("maxBufferedBytes", b.maxBufferedBytes);
    this.slowClientGraceMs = positive("slowClientGraceMs", b.slowClientGraceMs);
    if (b.pingJitter < 0 || b.pingJitter >= 1) {
      throw new IllegalArgumentException("pingJitter must be in [0, 1), got " + b.pingJitter);
    }
    this.pingJitter = b.pingJitter;
    if (!b.allowPolling && !b.allowWebSocket) {
      throw new IllegalArgumentException("at least one transport must be allowed");
    }
    this.allowPolling = b.allowPolling;
    this.allowWebSocket = b.allowWebSocket;
    this.allowUpgrades = b.allowUpgrades;
    this.cors = b.cors;
    this.allowRequest = b.allowRequest;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.path = path;
    b.pingIntervalMs = pingIntervalMs;
    b.pingTimeoutMs = pingTimeoutMs;
    b.maxPayload = maxPayload;
    b.upgradeTimeoutMs = upgradeTimeoutMs;
    b.maxBufferedBytes = maxBufferedBytes;
    b.slowClientGraceMs = slowClientGraceMs;
    b.pingJitter = pingJitter;
    b.allowPolling = allowPolling;
    b.allowWebSocket = allowWebSocket;
    b.allowUpgrades = allowUpgrades;
    b.cors = cors;
    b.allowRequest = allowRequest;
    return b;
  }

  /** The mount path, always with a leading and a trailing slash, e.g. "/engine.io/". */
  public String path() {
    return path;
  }

  public long pingIntervalMs() {
    return pingIntervalMs;
  }

  public long pingTimeoutMs() {
    return pingTimeoutMs;
  }

  public int maxPayload() {
    return maxPayload;
  }

  public long upgradeTimeoutMs() {
    return upgradeTimeoutMs;
  }

  public int maxBufferedBytes() {
    return maxBufferedBytes;
  }

  public long slowClientGraceMs() {
    return slowClientGraceMs;
  }

  public double pingJitter() {
    return pingJitter;
  }

  public boolean allowPolling() {
    return allowPolling;
  }

  public boolean allowWebSocket() {
    return allowWebSocket;
  }

  public boolean allowUpgrades() {
    return allowUpgrades && allowPolling && allowWebSocket;
  }

  /** CORS settings for the polling transport; {@link CorsOptions#NONE} sends no CORS headers. */
  public CorsOptions cors() {
    return cors;
  }

  /**
   * Called for every handshake before a session is made; a failed future refuses it with HTTP 403 and
   * the failure's message. The default allows every request.
   */
  public Function<HttpServerRequest, Future<Void>> allowRequest() {
    return allowRequest;
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  private static String normalizePath(String path) {
    Objects.requireNonNull(path, "path");
    String p = path.startsWith("/") ? path : "/" + path;
    return p.endsWith("/") ? p : p + "/";
  }

  /** Builder with the defaults above. */
  public static final class Builder {
    private String path = "/engine.io/";
    private long pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
    private long pingTimeoutMs = DEFAULT_PING_TIMEOUT_MS;
    private long maxPayload = DEFAULT_MAX_PAYLOAD;
    private long upgradeTimeoutMs = DEFAULT_UPGRADE_TIMEOUT_MS;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private long slowClientGraceMs = DEFAULT_SLOW_CLIENT_GRACE_MS;
    private double pingJitter = DEFAULT_PING_JITTER;
    private boolean allowPolling = true;
    private boolean allowWebSocket = true;
    private boolean allowUpgrades = true;
    private CorsOptions cors = CorsOptions.NONE;
    private Function<HttpServerRequest, Future<Void>> allowRequest = request -> Future.succeededFuture();

    private Builder() {}

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder pingIntervalMs(long value) {
      this.pingIntervalMs = value;
      return this;
    }

    public Builder pingTimeoutMs(long value) {
      this.pingTimeoutMs = value;
      return this;
    }

    public Builder maxPayload(long value) {
      this.maxPayload = value;
      return this;
    }

    public Builder upgradeTimeoutMs(long value) {
      this.upgradeTimeoutMs = value;
      return this;
    }

    public Builder maxBufferedBytes(long value) {
      this.maxBufferedBytes = value;
      return this;
    }

    public Builder slowClientGraceMs(long value) {
      this.slowClientGraceMs = value;
      return this;
    }

    public Builder pingJitter(double value) {
      this.pingJitter = value;
      return this;
    }

    public Builder transports(boolean polling, boolean webSocket) {
      this.allowPolling = polling;
      this.allowWebSocket = webSocket;
      return this;
    }

    public Builder allowUpgrades(boolean value) {
      this.allowUpgrades = value;
      return this;
    }

    public Builder cors(CorsOptions value) {
      this.cors = Objects.requireNonNull(value, "cors");
      return this;
    }

    public Builder allowRequest(Function<HttpServerRequest, Future<Void>> value) {
      this.allowRequest = Objects.requireNonNull(value, "allowRequest");
      return this;
    }

    public EngineIoOptions build() {
      return new EngineIoOptions(this);
    }
  }
}
