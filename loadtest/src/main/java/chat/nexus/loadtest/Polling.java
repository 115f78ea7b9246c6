package chat.nexus.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Engine.IO v4 HTTP long-polling transport of one {@link Conn} ({@code --transport polling}):
 * the handshake GET, then always one long-poll GET in flight, and one POST at a time carrying every
 * packet queued meanwhile (packets separated by the record separator 0x1e, text only). Runs on the
 * connection's event loop (requests are made from its context, so their callbacks come back there).
 * Each user holds up to two HTTP connections from a shared pool.
 */
final class Polling {
  static final char SEPARATOR = '\u001e';
  private static final Pattern SID = Pattern.compile("\"sid\"\\s*:\\s*\"([^\"]+)\"");

  /**
   * A long poll lasts at most the server's ping interval (25 s by default); this is well past it.
   */
  static final long REQUEST_TIMEOUT_MS = 60_000;

  private final Conn conn;
  private final HttpClient http;
  private final Context context;
  private final String path;
  private final StringBuilder queue = new StringBuilder();
  private String sid;
  private boolean posting;
  private boolean closed;

  Polling(Conn conn, HttpClient http, Context context, String path) {
    this.conn = conn;
    this.http = http;
    this.context = context;
    this.path = path + (path.contains("?") ? "&" : "?") + "EIO=4&transport=polling";
  }

  /** The handshake; from the connection's context. */
  void start() {
    request(HttpMethod.GET, null)
        .onComplete(
            r -> {
              if (r.failed()) {
                conn.fail(
                    r.cause().getMessage().startsWith("http:")
                        ? r.cause().getMessage()
                        : "http:" + r.cause().getClass().getSimpleName());
                return;
              }
              String body = r.result().toString();
              Matcher m = SID.matcher(body);
              if (!m.find()) {
                conn.fail("http:no-sid");
                return;
              }
              sid = m.group(1);
              conn.pollingOpened();
              deliver(r.result()); // the open packet: the connection answers with its CONNECT
              context.owner().setTimer(conn.swarm.spec.handshakeTimeoutMs(), id -> conn.timeout());
              poll();
            });
  }

  private void poll() {
    if (closed) return;
    request(HttpMethod.GET, null)
        .onComplete(
            r -> {
              if (r.failed()) {
                gone();
                return;
              }
              deliver(r.result());
              poll();
            });
  }

  /** Queues a packet; POSTs it now unless a POST is in flight (then it goes with the next one). */
  void send(String packet) {
    if (closed) return;
    if (queue.length() > 0) queue.append(SEPARATOR);
    queue.append(packet);
    if (!posting && sid != null) flush();
  }

  private void flush() {
    posting = true;
    String body = queue.toString();
    queue.setLength(0);
    request(HttpMethod.POST, body)
        .onComplete(
            r -> {
              posting = false;
              if (r.failed()) gone();
              else if (queue.length() > 0) flush();
            });
  }

  /** Ends the session: an Engine.IO close packet, then no more polls. */
  void close() {
    if (closed) return;
    if (sid != null) {
      queue.setLength(0);
      queue.append('1');
      if (!posting) flush();
    }
    closed = true;
    conn.transportClosed();
  }

  private void gone() {
    closed = true;
    conn.transportClosed();
  }

  /** Each packet of a payload to the connection, as the websocket path hands it frames. */
  private void deliver(Buffer payload) {
    byte[] all = payload.getBytes();
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length || all[i] == SEPARATOR) {
        int n = i - start;
        if (n > 0) {
          byte[] b = new byte[n];
          System.arraycopy(all, start, b, 0, n);
          conn.onPacket(b, n);
        }
        start = i + 1;
      }
    }
  }

  private Future<Buffer> request(HttpMethod method, String body) {
    String uri = sid == null ? path : path + "&sid=" + sid;
    RequestOptions ro =
        new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(REQUEST_TIMEOUT_MS);
    if (body != null) ro.putHeader("content-type", "text/plain;charset=UTF-8");
    Future<io.vertx.core.http.HttpClientRequest> started;
    try {
      started = http.request(ro);
    } catch (IllegalStateException e) { // the client is closed: the run is over
      return Future.failedFuture(e);
    }
    return started
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(
            res ->
                res.body()
                    .map(
                        b -> {
                          if (res.statusCode() != 200)
                            throw new IllegalStateException("http:" + res.statusCode());
                          return b;
                        }));
  }
}
