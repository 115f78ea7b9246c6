package chat.nexus.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Signs clients in as guests ({@code POST /api/auth/guest {"name"}} → {@code {token}}) when the run
 * has no JWT secret. Guest creation writes a user and a session, so it is slower than a handshake,
 * and a production server rate-limits it: at most {@link #CONNECTIONS} requests are in flight, and
 * a 429 or 503 is retried after its Retry-After (or {@link #DEFAULT_RETRY_MS}), as are refused
 * connections, up to {@link #MAX_ATTEMPTS} times. A sign-in that still fails counts as the connect
 * error {@code guest:<status>}.
 */
final class GuestSignIn {
  static final String PATH = "/api/auth/guest";

  /**
   * HTTP connections (and so requests in flight) per process: enough to keep a database-bound
   * endpoint busy.
   */
  static final int CONNECTIONS = 16;

  static final int MAX_ATTEMPTS = 30;
  static final long DEFAULT_RETRY_MS = 1_000;

  /**
   * Longest wait between attempts, whatever Retry-After says, so a run does not stall for minutes.
   */
  static final long MAX_RETRY_MS = 10_000;

  /** Builds the sign-in on a swarm's Vert.x (each worker process signs its own clients in). */
  interface Factory {
    GuestSignIn create(Vertx vertx);
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final String baseUrl;
  private final String names;

  GuestSignIn(Vertx vertx, String baseUrl, String names) {
    this.vertx = vertx;
    this.baseUrl = baseUrl;
    this.names = names;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
            new PoolOptions().setHttp1MaxSize(CONNECTIONS));
  }

  static Factory factory(String url, String names) {
    return vertx -> new GuestSignIn(vertx, Spec.httpBase(url), names);
  }

  /** The token of a new guest named {@code <names><client>}; fails with {@code guest:<reason>}. */
  Future<String> token(int client) {
    Promise<String> p = Promise.promise();
    attempt(client, 1, p);
    return p.future();
  }

  private void attempt(int client, int n, Promise<String> p) {
    RequestOptions ro =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(baseUrl + PATH)
            .putHeader("content-type", "application/json")
            .setTimeout(30_000);
    String body = new JsonObject().put("name", names + client).encode();
    http.request(ro)
        .compose(req -> req.send(body))
        .compose(
            res ->
                res.body()
                    .map(
                        b -> {
                          int status = res.statusCode();
                          if (status / 100 == 2) {
                            String token = b.toJsonObject().getString("token");
                            if (token == null) throw new IllegalStateException("guest:no-token");
                            return token;
                          }
                          if ((status == 429 || status == 503) && n < MAX_ATTEMPTS) {
                            throw new Retry(retryMs(res.getHeader("retry-after")));
                          }
                          throw new IllegalStateException("guest:" + status);
                        }))
        .onComplete(
            r -> {
              if (r.succeeded()) {
                p.complete(r.result());
              } else if (r.cause() instanceof Retry retry) {
                vertx.setTimer(retry.ms, id -> attempt(client, n + 1, p));
              } else if (r.cause().getMessage() != null
                  && r.cause().getMessage().startsWith("guest:")) {
                p.fail(r.cause().getMessage());
              } else if (n
                  < MAX_ATTEMPTS) { // refused or reset connection: the server may be overloaded
                vertx.setTimer(DEFAULT_RETRY_MS, id -> attempt(client, n + 1, p));
              } else {
                p.fail("guest:" + r.cause().getClass().getSimpleName());
              }
            });
  }

  static long retryMs(String retryAfter) {
    try {
      return Math.min(
          MAX_RETRY_MS, Math.max(100, (long) (Double.parseDouble(retryAfter.trim()) * 1000)));
    } catch (RuntimeException e) {
      return DEFAULT_RETRY_MS;
    }
  }

  void close() {
    http.close();
  }

  /** Not a failure: try again after {@code ms}. */
  private static final class Retry extends RuntimeException {
    final long ms;

    Retry(long ms) {
      super(null, null, false, false);
      this.ms = ms;
    }
  }
}
