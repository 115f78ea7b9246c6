package chat.nexus.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web client: the files under {@code webroot/} on the class path (in the jar), served at {@code
 * /} after every API route, so that /api, /socket.io, /health and /metrics keep their own handlers.
 * A path with no file falls through to the API's JSON 404.
 */
final class WebClient {

  static final String WEBROOT = "webroot";

  /**
   * The bundled socket.io-client changes only with a new server version: browsers may keep it a
   * day.
   */
  static final String VENDOR_CACHE = "public, max-age=86400";

  /** The client's own files are not fingerprinted: browsers ask again each time (a cheap 304). */
  static final String APP_CACHE = "no-cache";

  /** The page loads only its own files and talks only to its own origin (REST and the socket). */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
          + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  /** Paths under /api are never files: an unknown one gets the API's JSON 404. */
  static final String NOT_API = "^/(?!api(/|$)).*";

  private WebClient() {}

  static void mount(Router router) {
    StaticHandler files =
        StaticHandler.create(WEBROOT)
            .setIndexPage("index.html")
            .setCachingEnabled(true)
            .setDirectoryListing(false)
            .setIncludeHidden(false);
    router
        .routeWithRegex(NOT_API)
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(WebClient::headers)
        .handler(files);
  }

  private static void headers(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String cache = path.startsWith("/vendor/") ? VENDOR_CACHE : APP_CACHE;
    // Set last, over the StaticHandler's own Cache-Control.
    ctx.addHeadersEndHandler(
        v -> {
          if (ctx.response().getStatusCode() < 400) {
            ctx.response()
                .headers()
                .set(HttpHeaders.CACHE_CONTROL, cache)
                .set("X-Content-Type-Options", "nosniff")
                .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .set("Referrer-Policy", "no-referrer");
          }
        });
    ctx.next();
  }
}
