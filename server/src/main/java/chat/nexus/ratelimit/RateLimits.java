package chat.nexus.ratelimit;

import chat.nexus.observability.Metrics;
import chat.nexus.socketio.Socket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits of the public contract, in one place: RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS per
 * user (per address when anonymous) for REST calls ({@link #api()}) and, as a budget of its own,
 * for socket events ({@link #events()}); and the stricter LLM budget ({@link #llm()}, companion
 * messages, on top of the other two). Refusals are RATE_LIMITED with Retry-After; when the limiter
 * fails (Redis unreachable) requests go through, counted in nexus_rate_limit_errors_total and
 * logged at most once a minute.
 */
public final class RateLimits {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
  static final long FAILURE_LOG_INTERVAL_MS = 60_000;
  private static final String CHAIN = "rateLimitChain";

  private final boolean enabled;
  private final RateLimiter limiter;
  private final Limit api;
  private final Limit events;
  private final Limit llm;
  private final ClientAddress addresses;
  private final Metrics metrics;
  private final AtomicLong lastFailureLog = new AtomicLong();

  public RateLimits(
      boolean enabled,
      RateLimiter limiter,
      Limit api,
      Limit events,
      Limit llm,
      ClientAddress addresses,
      Metrics metrics) {
    this.enabled = enabled;
    this.limiter = limiter;
    this.api = api;
    this.events = events;
    this.llm = llm;
    this.addresses = addresses;
    this.metrics = metrics;
  }

  public boolean enabled() {
    return enabled;
  }

  public Limit api() {
    return api;
  }

  public Limit events() {
    return events;
  }

  public Limit llm() {
    return llm;
  }

  /**
   * The client address of a request as limits count it (X-Forwarded-For only from TRUST_PROXY
   * addresses; an IPv6 client by its /64).
   */
  public String clientAddress(RoutingContext ctx) {
    return addresses.keyOf(ctx.request());
  }

  /** What an anonymous request is counted under: its client's address key. */
  public String addressSubject(RoutingContext ctx) {
    return "ip:" + clientAddress(ctx);
  }

  /** Client addresses and the trusted proxies (TRUST_PROXY). */
  public ClientAddress addresses() {
    return addresses;
  }

  /** Counts one request; allows it when the limiter fails (fail open). */
  public Future<Decision> check(Limit limit, String subject) {
    long started = System.nanoTime();
    return limiter
        .acquire(limit, subject)
        .otherwise(
            e -> {
              metrics.rateLimitFailedOpen();
              long now = System.currentTimeMillis();
              long last = lastFailureLog.get();
              if (now - last >= FAILURE_LOG_INTERVAL_MS
                  && lastFailureLog.compareAndSet(last, now)) {
                LOG.warn(
                    "rate limiter failed ({}): letting requests through until it answers again",
                    e.toString());
              }
              return Decision.open(limit, now);
            })
        .onSuccess(
            decision -> {
              metrics.rateLimitChecked(System.nanoTime() - started);
              if (!decision.allowed()) {
                metrics.rateLimited(limit.name());
              }
            });
  }

  /**
   * A route handler counting against {@code limit} for the subject {@code subject} names: sets the
   * X-RateLimit-* headers, and fails the request with RATE_LIMITED (429 + Retry-After) when over.
   */
  public Handler<RoutingContext> handler(Limit limit, Function<RoutingContext, String> subject) {
    return ctx -> {
      if (!enabled) {
        ctx.next();
        return;
      }
      check(limit, subject.apply(ctx))
          .onComplete(
              result -> {
                if (ctx.response().closed()) {
                  return; // the client has gone: nothing more to compute for it
                }
                Decision decision = result.result();
                headers(ctx.response(), decision);
                if (decision.allowed()) {
                  ctx.next();
                } else {
                  ctx.fail(decision.error(System.currentTimeMillis()));
                }
              });
    };
  }

  public static void headers(HttpServerResponse response, Decision decision) {
    if (response.headWritten()) {
      return;
    }
    response
        .putHeader("X-RateLimit-Limit", String.valueOf(decision.limit()))
        .putHeader("X-RateLimit-Remaining", String.valueOf(decision.remaining()))
        .putHeader("X-RateLimit-Reset", String.valueOf(decision.resetEpochSeconds()));
  }

  /**
   * Gates a socket event of {@code userId} by these limits; fails with RATE_LIMITED when one is
   * over. Gates of one socket complete in the order of its events even when Redis answers out of
   * order, so that messages are stored in the order they were sent.
   */
  public Future<Void> event(Socket socket, String userId, Limit... limits) {
    if (!enabled) {
      return Future.succeededFuture();
    }
    Future<Void> mine = checkAll(limits, 0, "user:" + userId);
    Object previous = socket.data().get(CHAIN);
    Future<Void> ordered =
        previous instanceof Future<?> p && !p.isComplete() ? p.transform(x -> mine) : mine;
    socket.data().put(CHAIN, ordered);
    return ordered;
  }

  private Future<Void> checkAll(Limit[] limits, int index, String subject) {
    if (index == limits.length) {
      return Future.succeededFuture();
    }
    return check(limits[index], subject)
        .compose(
            decision ->
                decision.allowed()
                    ? checkAll(limits, index + 1, subject)
                    : Future.failedFuture(decision.error(System.currentTimeMillis())));
  }
}
