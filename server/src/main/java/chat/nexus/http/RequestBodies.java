package chat.nexus.http;

import chat.nexus.companion.CharacterRoutes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Request bodies under {@code /api}: every body is read under JSON_LIMIT (a larger declared
 * Content-Length is refused before any of it is read), except a character PNG (often 1-3 MB), an
 * avatar and a room upload ({@link LargeBody}), whose body waits, paused, until the caller is
 * authenticated and counted by the rate limit; the character route then reads it under its own
 * limit. A body refused unread is drained for a moment and its connection closed ({@link
 * #lingerThenClose}).
 */
final class RequestBodies {

  /**
   * How long the rest of a refused body is read and dropped before its connection closes (nginx: 5
   * s).
   */
  static final long UNREAD_BODY_LINGER_MS = 2_000;

  private RequestBodies() {}

  /**
   * A kind of request whose body may be larger than JSON_LIMIT, read later by its route under its
   * own limit.
   */
  record LargeBody(Predicate<HttpServerRequest> matches, long limitBytes) {}

  /** The body handler of {@code /api/*}: a character PNG, and the {@code large} bodies. */
  static Handler<RoutingContext> handler(int jsonLimitBytes, List<LargeBody> large) {
    Handler<RoutingContext> jsonBody = BodyHandler.create(false).setBodyLimit(jsonLimitBytes);
    List<LargeBody> all = new ArrayList<>(large);
    all.add(new LargeBody(CharacterRoutes::isUpload, CharacterRoutes.UPLOAD_LIMIT_BYTES));
    return ctx -> {
      LargeBody kind = null;
      for (LargeBody candidate : all) {
        if (candidate.matches().test(ctx.request())) {
          kind = candidate;
          break;
        }
      }
      if (kind == null) {
        jsonBody.handle(ctx);
      } else if (declaredLength(ctx.request()) > kind.limitBytes()) {
        ctx.fail(413);
      } else {
        ctx.request().pause();
        ctx.next();
      }
    };
  }

  /** The Content-Length a request declares, or -1. */
  static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether a request has a body that has not all come in (HTTP/2 streams end on their own). */
  static boolean unread(HttpServerRequest request) {
    boolean hasBody =
        declaredLength(request) > 0 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    return hasBody
        && !request.isEnded()
        && request.version() != HttpVersion.HTTP_2
        && request.connection() != null;
  }

  /**
   * A request whose body was refused unread (too large, or an upload whose caller was refused): its
   * HTTP/1.1 connection can carry another request only once that body has come in. As nginx's
   * lingering close: the rest is read and dropped for {@link #UNREAD_BODY_LINGER_MS}, so that a
   * client still sending gets to read the error; then the connection closes unless the body has
   * ended.
   */
  static void lingerThenClose(
      Vertx vertx, HttpServerRequest request, io.vertx.core.Future<Void> written) {
    long timer =
        vertx.setTimer(
            UNREAD_BODY_LINGER_MS, t -> written.onComplete(done -> request.connection().close()));
    request.handler(dropped -> {}).endHandler(end -> vertx.cancelTimer(timer)).resume();
  }
}
