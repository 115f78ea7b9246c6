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
   * Heartbeats are spread over this fraction of the interval for new connections, so that a burst
   * of connections does not ping in lock step forever (pinging 10,000 sockets at once added 100-500
   * ms to p99 in our prototype).
   */
  public static final double DEFAULT_PING_JITTER = 0.2;

  /**
   * Handshakes one client address may make per {@link #DEFAULT_HANDSHAKE_WINDOW_MS}; 0 is no limit,
   * as in the reference server. Off by default because an address limit needs the real client
   * address, which behind a proxy only the application knows: set {@link Builder#clientAddress}
   * before turning it on.
   */
  public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 0;

  /**
   * The window the handshake rate is counted in: a minute smooths a reconnecting crowd behind one
   * NAT.
   */
  public static final long DEFAULT_HANDSHAKE_WINDOW_MS = 60_000;

  /**
   * Sessions one client address may have open before the application admits them ({@link
   * EngineSocket#admit()}: Socket.IO does when a namespace CONNECT succeeds); 0 is no limit. Off by
   * default for the same reason as the handshake rate.
   */
  public static final int DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS = 0;

  /** The client address of a request: the connection's peer, which behind a proxy is the proxy. */
  public static final Function<HttpServerRequest, String> REMOTE_ADDRESS =
      request ->
          request.remoteAddress() != null ? request.remoteAddress().hostAddress() : "unknown";

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
  private final Function<HttpServerRequest, String> clientAddress;
  private final int maxHandshakesPerAddress;
  private final long handshakeWindowMs;
  private final int maxPendingSessionsPerAddress;

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
    this.clientAddress = b.clientAddress;
    this.maxHandshakesPerAddress =
        (int) notNegative("maxHandshakesPerAddress", b.maxHandshakesPerAddress);
    this.handshakeWindowMs = positive("handshakeWindowMs", b.handshakeWindowMs);
    this.maxPendingSessionsPerAddress =
        (int) notNegative("maxPendingSessionsPerAddress", b.maxPendingSessionsPerAddress);
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
    b.clientAddress = clientAddress;
    b.maxHandshakesPerAddress = maxHandshakesPerAddress;
    b.handshakeWindowMs = handshakeWindowMs;
    b.maxPendingSessionsPerAddress = maxPendingSessionsPerAddress;
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
   * Called for every handshake before a session is made; a failed future refuses it with HTTP 403
   * and the failure's message. The default allows every request.
   */
  public Function<HttpServerRequest, Future<Void>> allowRequest() {
    return allowRequest;
  }

  /**
   * The key the per-address limits count a handshake under: by default the connection's peer
   * address ({@link #REMOTE_ADDRESS}). Behind a proxy, give one that reads the forwarded address
   * from trusted proxies only; keys may also group addresses (an IPv6 /64).
   */
  public Function<HttpServerRequest, String> clientAddress() {
    return clientAddress;
  }

  /**
   * Handshakes (both transports) one client address may make per {@link #handshakeWindowMs()}; 0 =
   * no limit.
   */
  public int maxHandshakesPerAddress() {
    return maxHandshakesPerAddress;
  }

  public long handshakeWindowMs() {
    return handshakeWindowMs;
  }

  /** Sessions of one client address not yet admitted by the application; 0 = no limit. */
  public int maxPendingSessionsPerAddress() {
    return maxPendingSessionsPerAddress;
  }

  private static long notNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
    return value;
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
    private Function<HttpServerRequest, Future<Void>> allowRequest =
        request -> Future.succeededFuture();
    private Function<HttpServerRequest, String> clientAddress = REMOTE_ADDRESS;
    private long maxHandshakesPerAddress = DEFAULT_MAX_HANDSHAKES_PER_ADDRESS;
    private long handshakeWindowMs = DEFAULT_HANDSHAKE_WINDOW_MS;
    private long maxPendingSessionsPerAddress = DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS;

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

    public Builder clientAddress(Function<HttpServerRequest, String> value) {
      this.clientAddress = Objects.requireNonNull(value, "clientAddress");
      return this;
    }

    /**
     * At most {@code max} handshakes per client address per {@code windowMs}; 0 turns the limit
     * off.
     */
    public Builder handshakeRate(long max, long windowMs) {
      this.maxHandshakesPerAddress = max;
      this.handshakeWindowMs = windowMs;
      return this;
    }

    public Builder maxPendingSessionsPerAddress(long value) {
      this.maxPendingSessionsPerAddress = value;
      return this;
    }

    public EngineIoOptions build() {
      return new EngineIoOptions(this);
    }
  }
}
