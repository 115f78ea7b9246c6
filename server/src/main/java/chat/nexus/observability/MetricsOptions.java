package chat.nexus.observability;

import chat.nexus.config.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who may read the Prometheus metrics, and where: METRICS_PORT (a listener of its own that serves
 * nothing else, on METRICS_HOST, loopback by default), METRICS_TOKEN (a bearer token /metrics asks
 * for, on whichever port serves it), both, or neither (then the chat port serves /metrics in
 * development only).
 *
 * @param port METRICS_PORT: the metrics listener's port (0: any free one), or empty for none
 * @param host METRICS_HOST: the metrics listener's address
 * @param token METRICS_TOKEN, or empty
 * @param nodeId NODE_ID: the node's name in MONITORING_URL pushes, or empty for host:port
 */
public record MetricsOptions(
    OptionalInt port, String host, Optional<String> token, Optional<String> nodeId) {

  /**
   * Only this machine's scraper (or an agent beside the node) by default; a private address
   * otherwise.
   */
  public static final String DEFAULT_HOST = "127.0.0.1";

  private static final int NO_PORT = -1;

  /** As JWT_SECRET: too long to guess at any request rate. */
  public static final int MIN_TOKEN_CHARS = 32;

  /** METRICS_PORT, METRICS_HOST and METRICS_TOKEN from the environment; one line per bad value. */
  public static MetricsOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    int port = s.port("METRICS_PORT", NO_PORT);
    Optional<String> token = Optional.ofNullable(s.raw("METRICS_TOKEN"));
    if (token.isPresent() && token.get().length() < MIN_TOKEN_CHARS) {
      s.problem(
          "METRICS_TOKEN must be at least " + MIN_TOKEN_CHARS + " characters"); // never the value
    }
    s.check();
    return new MetricsOptions(
        port == NO_PORT ? OptionalInt.empty() : OptionalInt.of(port),
        s.string("METRICS_HOST", DEFAULT_HOST),
        token,
        Optional.ofNullable(s.raw("NODE_ID")).map(String::trim).filter(id -> !id.isEmpty()));
  }

  /**
   * Whether the chat port answers /metrics: not when the metrics have a port of their own; with a
   * token, only to requests that carry it; with neither, in development only (production would show
   * them to every client).
   */
  public boolean onChatPort(boolean production) {
    return port.isEmpty() && (token.isPresent() || !production);
  }
}
