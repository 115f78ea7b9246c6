package chat.nexus.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * nexus_http_requests_seconds{route, method, status}: each HTTP request on the chat port, from its
 * arrival to its response head, by route template ({@code /api/rooms/:id/messages}, never a path
 * with ids in it), method and status class (2xx ... 5xx). Paths that match no route count as
 * {@value #OTHER}, the web client's files as {@value #STATIC} and Engine.IO's polling requests as
 * {@value #SOCKET_IO}, so the number of series stays bounded whatever clients send. A Socket.IO
 * long-poll lasts until there is something to send (up to the ping interval): its time says nothing
 * about the server's speed, so dashboards leave that route out of latency panels.
 *
 * <p>Timers are created once per (route, method, status class) and kept in arrays, so that a
 * request costs a map lookup and an array read, not a meter lookup with tags.
 */
public final class HttpMetrics {

  public static final String NAME = "nexus.http.requests";
  public static final String OTHER = "other";
  public static final String STATIC = "static";
  public static final String SOCKET_IO = "/socket.io/";

  /** Methods with a series of their own; anything else counts as OTHER. */
  private static final List<HttpMethod> METHODS =
      List.of(
          HttpMethod.GET,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE,
          HttpMethod.HEAD,
          HttpMethod.OPTIONS);

  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  /** Few fixed buckets (not Micrometer's ~70 per series): enough for p50/p99 and SLO ratios. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private static final int SLOTS = (METHODS.size() + 1) * STATUS_CLASSES.length;

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, AtomicReferenceArray<Timer>> routes =
      new ConcurrentHashMap<>();
  private volatile List<Template> templates;
  private volatile Router router;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Makes this the first handler of the chat port's router: times each request up to its response
   * head. The router's routes, read at the first request, give the templates.
   */
  public void mount(Router router) {
    this.router = router;
    router.route().handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addHeadersEndHandler(v -> record(route(ctx), ctx.request().method(), ctx, started));
    ctx.next();
  }

  /**
   * Wraps the chat port's request handler to time Engine.IO's polling requests, which never reach
   * the router. Websocket upgrades are not timed: a connection lives for hours.
   */
  public Handler<HttpServerRequest> socketIo(String path, Handler<HttpServerRequest> next) {
    return request -> {
      String requested = request.path();
      if (requested != null
          && requested.startsWith(path)
          && !request.headers().contains(HttpHeaders.UPGRADE)) {
        long started = System.nanoTime();
        HttpMethod method = request.method();
        request
            .response()
            .headersEndHandler(
                v ->
                    timer(SOCKET_IO, method, request.response().getStatusCode())
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
      }
      next.handle(request);
    };
  }

  private void record(String route, HttpMethod method, RoutingContext ctx, long started) {
    timer(route, method, ctx.response().getStatusCode())
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /** The pre-registered timer for this route, method and status. */
  Timer timer(String route, HttpMethod method, int status) {
    AtomicReferenceArray<Timer> slots =
        routes.computeIfAbsent(route, r -> new AtomicReferenceArray<>(SLOTS));
    int methodIndex = METHODS.indexOf(method);
    if (methodIndex < 0) {
      methodIndex = METHODS.size();
    }
    int statusIndex = Math.min(Math.max(status / 100, 1), 5) - 1;
    int slot = methodIndex * STATUS_CLASSES.length + statusIndex;
    Timer timer = slots.get(slot);
    if (timer == null) {
      String methodName = methodIndex < METHODS.size() ? METHODS.get(methodIndex).name() : OTHER;
      timer =
          Timer.builder(NAME)
              .description("HTTP requests on the chat port, arrival to response head")
              .tag("route", route)
              .tag("method", methodName)
              .tag("status", STATUS_CLASSES[statusIndex])
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      slots.set(slot, timer);
    }
    return timer;
  }

  /**
   * The template of the route that answered. A failure handler or a middleware route (such as
   * {@code /api/*}) has none of its own, so the request's path is matched against the router's
   * exact routes.
   */
  String route(RoutingContext ctx) {
    Route current = ctx.currentRoute();
    if (current != null && current.isExactPath() && current.getPath() != null) {
      return current.getPath();
    }
    String path = ctx.request().path();
    HttpMethod method = ctx.request().method();
    for (Template template : templates()) {
      if (template.matches(method, path)) {
        return template.path();
      }
    }
    boolean api = path != null && path.startsWith("/api/");
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    return !api && read && ctx.response().getStatusCode() < 400 ? STATIC : OTHER;
  }

  private List<Template> templates() {
    List<Template> known = templates;
    if (known == null) {
      known =
          router.getRoutes().stream()
              .filter(r -> r.isExactPath() && r.getPath() != null)
              .map(r -> new Template(r.getPath(), r.methods()))
              .toList();
      templates = known;
    }
    return known;
  }
}
