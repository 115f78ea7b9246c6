package chat.nexus.observability;

import chat.nexus.config.ConfigException;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /metrics (Prometheus text) for the scraper only, as {@link MetricsOptions} says: on a
 * listener of its own (METRICS_PORT), on the chat port, or nowhere; behind a bearer token when
 * METRICS_TOKEN is set. The text is built on a worker thread: it reads every meter, more than an
 * event loop should spend on one request.
 */
public final class MetricsEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  public static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * Seconds a connection to METRICS_PORT may stay without a request: above a one-minute scrape
   * interval.
   */
  static final int IDLE_TIMEOUT_S = 90;

  private final Vertx vertx;
  private final Metrics metrics;
  private final MetricsOptions options;
  private final boolean production;
  private final Optional<byte[]> token;
  private HttpServer server;

  public MetricsEndpoint(Vertx vertx, Metrics metrics, MetricsOptions options, boolean production) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.options = options;
    this.production = production;
    this.token = options.token().map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /** Times every request the router answers; mounted before any other handler. */
  public void timeRequests(Router router) {
    metrics.http().mount(router);
  }

  /**
   * Adds GET /metrics to the chat port's router when the chat port is where the metrics are served.
   */
  public void mount(Router router) {
    if (options.onChatPort(production)) {
      router.get(PATH).handler(ctx -> handle(ctx.request()));
    }
  }

  /**
   * Starts the metrics listener when METRICS_PORT is set (and says where the metrics are, once).
   */
  public Future<Void> start() {
    if (options.port().isEmpty()) {
      if (options.onChatPort(production)) {
        LOG.info(
            "metrics: GET {} on the chat port{}",
            PATH,
            token.isPresent()
                ? ", with METRICS_TOKEN"
                : " (development: anyone who reaches the port; set METRICS_PORT or METRICS_TOKEN)");
      } else {
        LOG.warn(
            "metrics: not served (production without METRICS_PORT or METRICS_TOKEN); set one for Prometheus");
      }
      return Future.succeededFuture();
    }
    return vertx
        .createHttpServer(listenerOptions(options))
        .requestHandler(
            request -> {
              if (request.method() == HttpMethod.GET && PATH.equals(request.path())) {
                handle(request);
              } else {
                error(request.response(), ApiException.notFound("only GET " + PATH + " here"));
              }
            })
        .listen()
        .onSuccess(
            s -> {
              server = s;
              LOG.info(
                  "metrics: GET http://{}:{}{}{}",
                  options.host(),
                  s.actualPort(),
                  PATH,
                  token.isPresent() ? ", with METRICS_TOKEN" : "");
            })
        .recover(
            e ->
                Future.failedFuture(
                    new ConfigException(
                        List.of(
                            "METRICS_HOST:METRICS_PORT: cannot listen on "
                                + options.host()
                                + ":"
                                + options.port().getAsInt()
                                + " ("
                                + e.getMessage()
                                + ")"))))
        .mapEmpty();
  }

  /**
   * Options of the METRICS_PORT listener: a scraper's GET over HTTP/1.1, so no HTTP/2 (no streams
   * to reset), small request heads, and connections closed after {@link #IDLE_TIMEOUT_S} without a
   * request (above the usual scrape intervals, so a scraper keeps its connection), in case the port
   * is bound beyond loopback.
   */
  static HttpServerOptions listenerOptions(MetricsOptions options) {
    return new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port().getAsInt())
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(1024)
        .setMaxHeaderSize(8192)
        .setIdleTimeout(IDLE_TIMEOUT_S)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /** The metrics listener's port, once started; empty without METRICS_PORT. */
  public OptionalInt port() {
    return server == null ? OptionalInt.empty() : OptionalInt.of(server.actualPort());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    if (token.isPresent() && !authorized(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      request.response().putHeader("WWW-Authenticate", "Bearer");
      error(
          request.response(),
          ApiException.unauthorized("/metrics needs Authorization: Bearer <METRICS_TOKEN>"));
      return;
    }
    vertx
        .executeBlocking(metrics::scrape, false)
        .onComplete(
            scraped -> {
              HttpServerResponse response = request.response();
              if (response.closed()) {
                return;
              }
              if (scraped.failed()) {
                LOG.warn("metrics: building the Prometheus text failed", scraped.cause());
                error(response, new ApiException(ErrorCode.INTERNAL, "internal error"));
                return;
              }
              response.putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(scraped.result());
            });
  }

  /** Constant-time, so that the answer's timing tells nothing about the token. */
  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(
        header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.get());
  }

  private static void error(HttpServerResponse response, ApiException error) {
    JsonObject body = error.toJson();
    response
        .setStatusCode(error.code().httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
