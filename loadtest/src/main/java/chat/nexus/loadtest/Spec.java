package chat.nexus.loadtest;

import java.net.URI;
import java.util.List;

/** What one process (one worker) does. */
record Spec(
    String host, int port, String path,
    int clients, int offset, int rooms, double ramp,
    List<String> localAddresses, int threads, int maxPending, long handshakeTimeoutMs,
    double rate, int payload, Protocol protocol) {

  /** Parses http://, ws:// or bare host:port URLs; the path defaults to /socket.io/. */
  static Spec of(Common c, int rooms, double rate, int payload, Protocol protocol) {
    String u = c.url.contains("://") ? c.url : "http://" + c.url;
    URI uri = URI.create(u);
    int port = uri.getPort() > 0 ? uri.getPort()
        : (u.startsWith("https") || u.startsWith("wss") ? 443 : 80);
    String path = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")
        ? "/socket.io/" : uri.getPath();
    return new Spec(uri.getHost(), port, path, c.clients, c.offset, rooms, c.ramp,
        c.localAddresses == null ? List.of() : List.copyOf(c.localAddresses),
        c.threads, c.maxPending, c.handshakeTimeout.toMillis(), rate, payload, protocol);
  }

  String uri() {
    return path + (path.contains("?") ? "&" : "?") + "EIO=4&transport=websocket";
  }
}
