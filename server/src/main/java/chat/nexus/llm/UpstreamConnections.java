package chat.nexus.llm;

import chat.nexus.runtime.VertxInternals;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream connections of the LLM client, kept per event loop so that a call's connection lives
 * on the call's own event loop. A shared pool hands an idle connection to whichever loop asks, and
 * then every request and chunk crosses to the loop that owns the connection and back; when both
 * loops are busy, as in a burst of calls, that wait delays the first token. Calls that do not run
 * on an event loop use Vert.x's pool instead.
 */
final class UpstreamConnections {

  /**
   * Connections allowed beyond the concurrency limit (and the preconnected ones), for requests
   * still closing.
   */
  static final int POOL_HEADROOM = 8;

  /**
   * How often each event loop uses its idle connections again, so that upstreams (and proxies) that
   * close a connection after a minute or so of silence keep them open.
   */
  static final long PRECONNECT_REFRESH_MS = 20_000;

  private static final Logger log = LoggerFactory.getLogger(OpenAiStreamingClient.class);

  private final Vertx vertx;
  private final LlmOptions options;
  private final UpstreamRequests requests;
  private final UpstreamText text;

  /** Opens the per-loop connections; its own pool serves calls that do not run on an event loop. */
  private final HttpClientAgent http;

  private final HttpConnectOptions target;
  private final Map<Thread, Loop> perLoop = new ConcurrentHashMap<>();
  private final Set<Long> preconnectTimers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A loop's connections, and a context on that loop to close them from elsewhere. */
  private record Loop(Context context, LoopConnections connections) {}

  UpstreamConnections(
      Vertx vertx, LlmOptions options, UpstreamRequests requests, UpstreamText text) {
    this.vertx = vertx;
    this.options = options;
    this.requests = requests;
    this.text = text;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) options.connectTimeoutMs())
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(options.maxConcurrent() + POOL_HEADROOM));
    this.target = LoopConnections.target(options.baseUrl(), options.connectTimeoutMs());
  }

  /** A request on this loop's own connections, or from the shared pool off an event loop. */
  Future<HttpClientRequest> request(Context context, RequestOptions request) {
    if (closed || !context.isEventLoopContext()) {
      return http.request(request);
    }
    return loop(context).connections().request(request);
  }

  /**
   * LLM_PRECONNECT: every event loop opens that many upstream connections now, and uses its idle
   * ones again every {@link #PRECONNECT_REFRESH_MS} (opening more if some closed) so that they stay
   * open. A call then finds an open connection on its own loop; without them, a burst that puts
   * more calls on a loop than it ever had opens connections on the way to the first token while the
   * loop is busy with the burst (and over TLS, each costs a handshake more). The requests are
   * {@link UpstreamRequests#modelList}; their answers are read and dropped, and a failure is only
   * logged at debug (calls report their own).
   */
  void preconnectEveryLoop() {
    for (Context context : VertxInternals.eventLoopContexts(vertx)) {
      context.runOnContext(v -> keepOpen(context));
    }
    log.info(
        "LLM upstream: {} connections kept open per event loop (LLM_PRECONNECT)",
        options.preconnect());
  }

  /**
   * A call still starting after this gets the closed shared client (and fails) rather than a new
   * connection.
   */
  void close() {
    closed = true;
    preconnectTimers.forEach(vertx::cancelTimer);
    perLoop.values().forEach(loop -> loop.context().runOnContext(v -> loop.connections().close()));
    http.close();
  }

  private Loop loop(Context context) {
    return perLoop.computeIfAbsent(
        Thread.currentThread(),
        thread ->
            new Loop(
                context,
                new LoopConnections(
                    http, target, options.maxConcurrent() + options.preconnect() + POOL_HEADROOM)));
  }

  /** Runs on the loop of {@code context}: preconnects now and every PRECONNECT_REFRESH_MS. */
  private void keepOpen(Context context) {
    preconnect(context);
    preconnectTimers.add(
        vertx.setPeriodic(
            PRECONNECT_REFRESH_MS,
            id -> {
              if (closed) {
                vertx.cancelTimer(id); // closed before this timer was listed
              } else {
                preconnect(context);
              }
            }));
  }

  /** A request on every idle connection of this loop, and on new ones up to LLM_PRECONNECT open. */
  private void preconnect(Context context) {
    if (closed) {
      return;
    }
    LoopConnections connections = loop(context).connections();
    int count =
        connections.idleCount() + Math.max(0, options.preconnect() - connections.openCount());
    List<String> secrets = options.apiKeys();
    for (int i = 0; i < count; i++) {
      connections
          .request(requests.modelList(secrets.get(i % secrets.size())))
          .compose(HttpClientRequest::send)
          .compose(
              response -> {
                response.handler(chunk -> {}); // a model list can be long: nothing is kept
                return response.end();
              })
          .onFailure(
              e -> log.debug("LLM upstream: a preconnect request failed: {}", text.describe(e)));
    }
  }
}
