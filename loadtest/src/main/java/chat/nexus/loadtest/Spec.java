package chat.nexus.loadtest;

import java.net.URI;
import java.util.List;

/**
 * What one process (one worker) does. Its i-th connection is client {@code offset + i * stride} of
 * the whole run. {@code mix} is null except in the ladder, where it says what each client does.
 */
record Spec(
    String host,
    int port,
    String path,
    int clients,
    int offset,
    int stride,
    int rooms,
    double ramp,
    List<String> localAddresses,
    int threads,
    int maxPending,
    long handshakeTimeoutMs,
    double rate,
    int payload,
    Protocol protocol,
    Mix mix,
    boolean polling) {

  /** Parses http://, ws:// or bare host:port URLs; the path defaults to /socket.io/. */
  static Spec of(Common c, int clients, int rooms, double rate, int payload, Protocol protocol) {
    return of(c, clients, c.offset, 1, rooms, rate, payload, protocol, null);
  }

  static Spec of(
      Common c,
      int clients,
      int offset,
      int stride,
      int rooms,
      double rate,
      int payload,
      Protocol protocol,
      Mix mix) {
    URI uri = baseUri(c.url);
    int port =
        uri.getPort() > 0
            ? uri.getPort()
            : ("https".equals(uri.getScheme()) || "wss".equals(uri.getScheme()) ? 443 : 80);
    String path =
        uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")
            ? "/socket.io/"
            : uri.getPath();
    return new Spec(
        uri.getHost(),
        port,
        path,
        clients,
        offset,
        stride,
        rooms,
        c.ramp,
        c.localAddresses == null ? List.of() : List.copyOf(c.localAddresses),
        c.threads,
        c.maxPending,
        c.handshakeTimeout.toMillis(),
        rate,
        payload,
        protocol,
        mix,
        c.transport == Common.Transport.polling);
  }

  /** The URL as given, with http:// added when it has no scheme. */
  static URI baseUri(String url) {
    return URI.create(url.contains("://") ? url : "http://" + url);
  }

  /** http(s)://host:port of a --url, for REST calls (/api/..., /metrics). */
  static String httpBase(String url) {
    URI uri = baseUri(url);
    String scheme =
        "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme()) ? "https" : "http";
    return scheme + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }

  String uri() {
    return path + (path.contains("?") ? "&" : "?") + "EIO=4&transport=websocket";
  }

  /** The run-wide index of this worker's i-th connection. */
  int global(int i) {
    return offset + i * stride;
  }
}
