package chat.nexus.engineio;

import java.util.List;

/**
 * CORS for the HTTP long-polling transport.
 *
 * @param origins allowed origins; ["*"] allows any (the request's Origin is echoed when credentials
 *     are on)
 * @param credentials whether to send Access-Control-Allow-Credentials: true
 */
public record CorsOptions(List<String> origins, boolean credentials) {

  /** Sends no CORS headers (same-origin clients only). */
  public static final CorsOptions NONE = new CorsOptions(List.of(), false);

  /** Any origin, no credentials: what the protocol test suites expect. */
  public static final CorsOptions ANY = new CorsOptions(List.of("*"), false);

  public CorsOptions {
    origins = List.copyOf(origins);
  }

  public boolean enabled() {
    return !origins.isEmpty();
  }

  /**
   * The Access-Control-Allow-Origin value for a request, or null when the origin is not allowed.
   */
  public String allowOrigin(String requestOrigin) {
    if (origins.contains("*")) {
      return credentials && requestOrigin != null ? requestOrigin : "*";
    }
    return requestOrigin != null && origins.contains(requestOrigin) ? requestOrigin : null;
  }
}
