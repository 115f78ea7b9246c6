package chat.nexus.http;

import chat.nexus.chat.ChatEvents;
import chat.nexus.config.ConfigException;
import chat.nexus.config.Settings;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * What one connection and one client address may hold and how long they may take, before and around
 * authentication: HTTP timeouts, connection caps, the Engine.IO handshake rate and auth deadline,
 * rooms per socket. Every limit a named default with its reason; read from the environment by
 * {@link #from}.
 *
 * @param idleTimeoutMs HTTP_IDLE_TIMEOUT_MS: a connection silent this long, or waiting this long
 *     for its next request, is closed
 * @param headerTimeoutMs HTTP_HEADER_TIMEOUT_MS: a new connection's first request head must be
 *     complete by then
 * @param bodyTimeoutMs HTTP_BODY_TIMEOUT_MS: a request body gets this long, plus a second per
 *     {@link #MIN_BODY_BYTES_PER_SECOND} bytes received
 * @param maxConnections MAX_CONNECTIONS: open HTTP connections on this node; 0 = no cap
 * @param maxConnectionsPerAddress MAX_CONNECTIONS_PER_ADDRESS: per client address (not TRUST_PROXY
 *     ones); 0 = no cap
 * @param handshakesPerAddressPerMinute HANDSHAKES_PER_ADDRESS_PER_MINUTE: Engine.IO handshakes; 0 =
 *     no limit
 * @param maxPendingSessionsPerAddress Engine.IO sessions of one address that have not authenticated
 *     yet; 0 = no cap
 * @param authTimeoutMs AUTH_TIMEOUT_MS: a connection that has not authenticated (namespace CONNECT)
 *     by then is closed
 * @param maxRoomsPerSocket MAX_ROOMS_PER_SOCKET: rooms one socket may be in at once
 */
public record ConnectionLimits(
    long idleTimeoutMs,
    long headerTimeoutMs,
    long bodyTimeoutMs,
    int maxConnections,
    int maxConnectionsPerAddress,
    int handshakesPerAddressPerMinute,
    int maxPendingSessionsPerAddress,
    long authTimeoutMs,
    int maxRoomsPerSocket) {

  /**
   * Longer than any silence of a request in progress (a companion reply without streaming waits up
   * to LLM_TIMEOUT_MS, 120 s) and than a proxy's own keep-alive to us (nginx's upstream
   * keepalive_timeout is 60 s), so that the proxy, not we, closes an idle shared connection and
   * never races a request on it.
   */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 150_000;

  /**
   * Apache mod_reqtimeout's header=20: a request head is under 8 KB and leaves at once from any
   * client.
   */
  public static final long DEFAULT_HEADER_TIMEOUT_MS = 20_000;

  /**
   * Apache mod_reqtimeout's body=20,MinRate=500: slow uplinks upload, one byte a minute does not.
   */
  public static final long DEFAULT_BODY_TIMEOUT_MS = 20_000;

  public static final int MIN_BODY_BYTES_PER_SECOND = 500;

  /**
   * Share of the process's open-file limit that client connections may take: the rest stays for the
   * database pool, Redis, LLM upstreams, log files and a /health probe when clients have taken
   * theirs.
   */
  public static final double CONNECTIONS_SHARE_OF_DESCRIPTORS = 0.9;

  /** Used when the open-file limit cannot be read (not a Unix JVM). */
  public static final int FALLBACK_MAX_CONNECTIONS = 10_000;

  /**
   * An office of a few hundred people behind one NAT address, each with a socket and a keep-alive
   * connection or two; one source then holds at most 5 % of a 20,000-descriptor node.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

  /**
   * Bytes of request bodies one address may have sent and not finished, over all its connections,
   * while the per-address connection cap is on. A body is buffered as it comes (JSON_LIMIT each,
   * before authentication) and may come at {@link #MIN_BODY_BYTES_PER_SECOND} for as long as it
   * grows, so without this one address with its 1,000 connections could hold 500 MB for a quarter
   * of an hour at 500 KB/s. 32 MiB is 64 bodies at the default JSON_LIMIT, or a PNG card upload and
   * many more.
   */
  public static final long MAX_BODY_BYTES_PER_ADDRESS = 32L << 20;

  /** Ten a second on average: a crowd behind one NAT reconnecting after a restart, not a flood. */
  public static final int DEFAULT_HANDSHAKES_PER_ADDRESS_PER_MINUTE = 600;

  /**
   * A client authenticates within milliseconds of its handshake; fifty at once from one address is
   * a crowd.
   */
  public static final int DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS = 50;

  /**
   * A client sends its CONNECT (with the token) right after the handshake; ten seconds covers a
   * slow mobile network, against the reference server's 45 s during which an idle session costs
   * heap.
   */
  public static final long DEFAULT_AUTH_TIMEOUT_MS = 10_000;

  public static final int DEFAULT_MAX_ROOMS_PER_SOCKET = ChatEvents.DEFAULT_MAX_ROOMS_PER_SOCKET;

  /**
   * The limits from the environment. The per-address ones (connections, handshakes, pending
   * sessions) are on by default when {@code perAddressLimits} (the rate limits are on: production,
   * or RATE_LIMIT_ENABLED), so that a load test from one machine against a development server is
   * not refused; an explicit value applies either way. Throws {@link ConfigException} listing every
   * bad value.
   */
  public static ConnectionLimits from(Map<String, String> env, boolean perAddressLimits) {
    Settings s = new Settings(env);
    long idle =
        s.wholeNumber("HTTP_IDLE_TIMEOUT_MS", DEFAULT_IDLE_TIMEOUT_MS, 1, Integer.MAX_VALUE);
    long header =
        s.wholeNumber("HTTP_HEADER_TIMEOUT_MS", DEFAULT_HEADER_TIMEOUT_MS, 1, Integer.MAX_VALUE);
    long body =
        s.wholeNumber("HTTP_BODY_TIMEOUT_MS", DEFAULT_BODY_TIMEOUT_MS, 1, Integer.MAX_VALUE);
    long connections =
        s.wholeNumber("MAX_CONNECTIONS", defaultMaxConnections(), 0, Integer.MAX_VALUE);
    long perAddress =
        s.wholeNumber(
            "MAX_CONNECTIONS_PER_ADDRESS",
            perAddressLimits ? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS : 0,
            0,
            Integer.MAX_VALUE);
    long handshakes =
        s.wholeNumber(
            "HANDSHAKES_PER_ADDRESS_PER_MINUTE",
            perAddressLimits ? DEFAULT_HANDSHAKES_PER_ADDRESS_PER_MINUTE : 0,
            0,
            Integer.MAX_VALUE);
    long auth = s.wholeNumber("AUTH_TIMEOUT_MS", DEFAULT_AUTH_TIMEOUT_MS, 1, Integer.MAX_VALUE);
    long rooms =
        s.wholeNumber("MAX_ROOMS_PER_SOCKET", DEFAULT_MAX_ROOMS_PER_SOCKET, 1, Integer.MAX_VALUE);
    s.check();
    int pending = perAddressLimits || handshakes > 0 ? DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS : 0;
    return new ConnectionLimits(
        idle,
        header,
        body,
        (int) connections,
        (int) perAddress,
        (int) handshakes,
        pending,
        auth,
        (int) rooms);
  }

  /** {@link #CONNECTIONS_SHARE_OF_DESCRIPTORS} of the open-file limit (18,000 of 20,000). */
  static int defaultMaxConnections() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      if (limit > 0) {
        return (int) Math.min(Integer.MAX_VALUE, (long) (limit * CONNECTIONS_SHARE_OF_DESCRIPTORS));
      }
    }
    return FALLBACK_MAX_CONNECTIONS;
  }

  /** For the start-up line. */
  public String description() {
    return "connections: "
        + (maxConnections > 0 ? String.valueOf(maxConnections) : "no cap")
        + (maxConnectionsPerAddress > 0 ? ", " + maxConnectionsPerAddress + " per address" : "")
        + ", handshakes: "
        + (handshakesPerAddressPerMinute > 0
            ? handshakesPerAddressPerMinute + "/min per address"
            : "no limit")
        + ", auth within "
        + authTimeoutMs
        + " ms, HTTP idle "
        + idleTimeoutMs
        + " ms";
  }
}
