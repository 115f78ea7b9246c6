package chat.nexus.web;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Serves {@link WebFiles} from memory: the precompressed bytes the request's Accept-Encoding takes
 * (the server compresses nothing on the fly, so nothing is compressed twice), its caching headers,
 * and 304 to an If-None-Match that names the current content. A path with no file goes on to the
 * next route (the API's JSON 404); under /assets/ that 404 is marked no-store, so a CDN does not
 * keep the miss of a name the next build will have.
 */
public final class WebFileHandler implements Handler<RoutingContext> {

  /** A miss under /assets/ may be a name of another build: no cache may keep it. */
  static final String NO_STORE = "no-store";

  private final WebFiles files;

  public WebFileHandler(WebFiles files) {
    this.files = files;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    Optional<WebFiles.Served> found = files.find(path);
    if (found.isEmpty()) {
      if (path.startsWith(WebFiles.ASSETS)) {
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
      }
      ctx.next();
      return;
    }
    WebFiles.Served served = found.get();
    Asset asset = served.asset();
    String coding =
        ContentCoding.choose(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING), asset);
    HttpServerResponse response = ctx.response();
    response
        .putHeader(
            HttpHeaders.CACHE_CONTROL,
            served.immutable() ? WebFiles.IMMUTABLE : WebFiles.REVALIDATE)
        .putHeader(HttpHeaders.ETAG, asset.etag(coding))
        .putHeader("X-Content-Type-Options", "nosniff");
    if (asset.compressed()) {
      response.putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    }
    if (path.startsWith(WebFiles.ASSETS)) {
      // Public files: a page on another origin (this server's, when the assets come from a CDN)
      // may load them as module scripts, which are fetched with CORS.
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    }
    if (served.page()) {
      response
          .putHeader("Content-Security-Policy", files.contentSecurityPolicy())
          .putHeader("Referrer-Policy", "no-referrer");
    }
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), asset)) {
      response.setStatusCode(304).end();
      return;
    }
    byte[] body = ContentCoding.body(asset, coding);
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
    if (!coding.equals(ContentCoding.IDENTITY)) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, coding);
    }
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length)).end();
    } else {
      response.end(Buffer.buffer(body));
    }
  }

  /**
   * Whether If-None-Match names this content in any of its encodings (the comparison is weak, as
   * RFC 9110 asks for If-None-Match: a W/ prefix does not matter).
   */
  static boolean matches(String ifNoneMatch, Asset asset) {
    if (ifNoneMatch == null) {
      return false;
    }
    if (ifNoneMatch.trim().equals("*")) {
      return true;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(asset.etag(ContentCoding.IDENTITY))
          || t.equals(asset.etag(ContentCoding.GZIP))
          || t.equals(asset.etag(ContentCoding.BROTLI))) {
        return true;
      }
    }
    return false;
  }
}
