package chat.nexus.llm;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The upstream connections of one event loop: kept open, and handed to a call at once. Only ever
 * used on its own event loop.
 *
 * <p>Why not Vert.x's connection pool: a pooled request goes through the pool's selection, its
 * lock-free executor and the endpoint lookup, and may be handed a connection of another event loop;
 * a request on a connection of our own is created directly, on the call's own loop, in the same
 * task when the connection is idle. That is time before the first token, which a burst of calls
 * feels.
 *
 * <p>HTTP/1.1 with keep-alive, one request at a time per connection (no pipelining). A connection
 * goes back to the idle list when its response has ended and the upstream did not ask to close it;
 * it is closed instead when its request or response failed or was reset. Connections the upstream
 * closes while idle leave the list by their close handler. At most {@code max} are open at once.
 */
final class LoopConnections {

  private final HttpClientAgent client;
  private final HttpConnectOptions target;
  private final int max;

  /** Most recently used last: a call takes the warmest connection. */
  private final ArrayDeque<HttpClientConnection> idle = new ArrayDeque<>();

  private final Set<HttpClientConnection> open = new HashSet<>();
  private int connecting;
  private boolean closed;

  LoopConnections(HttpClientAgent client, HttpConnectOptions target, int max) {
    this.client = client;
    this.target = target;
    this.max = max;
  }

  /** Host, port and TLS of an upstream base URL such as {@code https://api.venice.ai/api/v1}. */
  static HttpConnectOptions target(String baseUrl, long connectTimeoutMs) {
    URI uri = URI.create(baseUrl);
    boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    return new HttpConnectOptions()
        .setHost(uri.getHost())
        .setPort(port)
        .setSsl(ssl)
        .setConnectTimeout(connectTimeoutMs);
  }

  /** A request on an idle connection (in this task), or on a new one once it is connected. */
  Future<HttpClientRequest> request(RequestOptions options) {
    if (closed) {
      return Future.failedFuture("the LLM client is closed");
    }
    HttpClientConnection connection = idle.pollLast();
    if (connection != null) {
      return use(connection, options);
    }
    if (open.size() + connecting >= max) {
      return Future.failedFuture(
          "already " + max + " upstream connections open on this event loop");
    }
    connecting++;
    return client
        .connect(target)
        .compose(
            fresh -> connected(fresh, options),
            failure -> {
              connecting--;
              return Future.failedFuture(failure);
            });
  }

  private Future<HttpClientRequest> connected(HttpClientConnection fresh, RequestOptions options) {
    connecting--;
    if (closed) {
      fresh.close();
      return Future.failedFuture("the LLM client is closed");
    }
    open.add(fresh);
    fresh.closeHandler(
        v -> {
          open.remove(fresh);
          idle.remove(fresh);
        });
    return use(fresh, options);
  }

  /** Connections open now, busy or idle (for tests and the preconnect). */
  int openCount() {
    return open.size();
  }

  int idleCount() {
    return idle.size();
  }

  void close() {
    closed = true;
    idle.clear();
    for (HttpClientConnection connection : Set.copyOf(open)) {
      connection.close();
    }
  }

  private Future<HttpClientRequest> use(HttpClientConnection connection, RequestOptions options) {
    return connection
        .request(options)
        .andThen(
            created -> {
              if (created.failed()) {
                connection.close();
              } else {
                created.result().response().onComplete(response -> answered(connection, response));
              }
            });
  }

  /**
   * Back to the idle list once the response has ended and the upstream did not ask to close; closed
   * otherwise.
   */
  private void answered(HttpClientConnection connection, AsyncResult<HttpClientResponse> response) {
    if (response.failed()) {
      // reset, or the request could not be sent: the connection's state is unknown
      connection.close();
      return;
    }
    HttpClientResponse body = response.result();
    body.end()
        .onComplete(
            ended -> {
              if (ended.succeeded() && keepAlive(body)) {
                release(connection);
              } else {
                connection.close();
              }
            });
  }

  private void release(HttpClientConnection connection) {
    if (!closed && open.contains(connection)) {
      idle.addLast(connection);
    }
  }

  private static boolean keepAlive(HttpClientResponse response) {
    String connection = response.getHeader(HttpHeaders.CONNECTION);
    return connection == null || !connection.equalsIgnoreCase("close");
  }
}
