package chat.nexus.http;

import chat.nexus.web.WebFileHandler;
import chat.nexus.web.WebFiles;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * The web client ({@link WebFiles}): its hashed assets under /assets/ before CORS and the API
 * (public files, for any origin, a CDN's too), and the page and the plain file names at / after
 * every API route, so that /api, /socket.io, /health and /metrics keep their own handlers. A path
 * with no file falls through to the API's JSON 404.
 */
public final class WebClient {

  /** Paths under /api are never files: an unknown one gets the API's JSON 404. */
  static final String NOT_API = "^/(?!api(/|$)).*";

  private final WebFileHandler files;

  public WebClient(WebFiles files) {
    this.files = new WebFileHandler(files);
  }

  void mountAssets(Router router) {
    router
        .route(WebFiles.ASSETS + "*")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(files);
  }

  void mount(Router router) {
    router.routeWithRegex(NOT_API).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(files);
  }
}
