package chat.nexus.http;

import chat.nexus.auth.Identity;
import chat.nexus.companion.CharacterRoutes;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.observability.Logs;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.telemetry.ErrorReports;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that maps failures to responses: an {@link ApiException} as the contract's error
 * shape, Vert.x Web's own statuses (413, 400, 404, 405, a refused Origin) as the matching codes,
 * anything else as INTERNAL with one ERROR line naming the request. A client that has gone gets
 * nothing and costs one DEBUG line.
 */
final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private final Vertx vertx;
  private final int jsonLimitBytes;
  private final RateLimits limits;

  Failures(Vertx vertx, int jsonLimitBytes, RateLimits limits) {
    this.vertx = vertx;
    this.jsonLimitBytes = jsonLimitBytes;
    this.limits = limits;
  }

  void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (HttpApi.clientGone(ctx) || failure instanceof HttpClosedException) {
      // A client that closes mid-body or mid-request: nobody to answer, nothing to investigate.
      LOG.debug(
          "[{}] {} {}: the client closed the connection",
          RequestIds.of(ctx),
          ctx.request().method(),
          ctx.request().path());
      return;
    }
    if (ctx.statusCode() == ErrorCode.FORBIDDEN.httpStatus()
        && !(failure instanceof ApiException)
        && ctx.request().getHeader(HttpHeaders.ORIGIN) != null) {
      refusedOrigin(ctx);
      return;
    }
    ApiException error;
    if (failure instanceof ApiException api) {
      error = api;
    } else if (ctx.statusCode() == 413) {
      int limit =
          CharacterRoutes.isUpload(ctx.request())
              ? CharacterRoutes.UPLOAD_LIMIT_BYTES
              : jsonLimitBytes;
      error =
          new ApiException(
              ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + limit + " bytes");
    } else if (ctx.statusCode() == 400 || failure instanceof io.vertx.core.json.DecodeException) {
      error = ApiException.badRequest("bad request");
    } else if (ctx.statusCode() == 404) {
      error = ApiException.notFound("not found");
    } else if (ctx.statusCode() == 405) {
      error = new ApiException(ErrorCode.BAD_REQUEST, "method not allowed");
    } else {
      Identity caller = RequestAuthentication.identity(ctx);
      String userId = caller == null ? null : caller.userId();
      ErrorReports.capture(failure, where(ctx), RequestIds.of(ctx), userId);
      Logs.withRequest(
          RequestIds.of(ctx),
          userId,
          () ->
              LOG.error(
                  "[{}] {} {} failed",
                  RequestIds.of(ctx),
                  ctx.request().method(),
                  ctx.request().path(),
                  failure));
      error = new ApiException(ErrorCode.INTERNAL, "internal error");
    }
    int status = ctx.statusCode() == 405 ? 405 : error.code().httpStatus();
    HttpServerRequest request = ctx.request();
    Future<Void> written = answer(ctx, status, error);
    if (RequestBodies.unread(request)) {
      RequestBodies.lingerThenClose(vertx, request, written);
    }
  }

  /** The method and path, without the query (which may carry a token). */
  private static String where(RoutingContext ctx) {
    return ctx.request().method() + " " + ctx.request().path();
  }

  private static Future<Void> answer(RoutingContext ctx, int status, ApiException error) {
    if (error.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
    }
    return HttpApi.json(ctx, status, error.toJson());
  }

  /**
   * A browser page of an origin not in CORS_ORIGINS (Vert.x Web's CORS handler refuses it with
   * 403): the contract's FORBIDDEN, no log line (it is the caller's doing, and cheap to repeat),
   * and counted by the rate limit of its address like any anonymous request, so that repeating it
   * ends in RATE_LIMITED.
   */
  private void refusedOrigin(RoutingContext ctx) {
    ApiException forbidden = ApiException.forbidden("this origin is not allowed (CORS_ORIGINS)");
    if (!limits.enabled()) {
      answer(ctx, forbidden.code().httpStatus(), forbidden);
      return;
    }
    limits
        .check(limits.api(), limits.addressSubject(ctx))
        .onComplete(
            result -> {
              ApiException error =
                  result.succeeded() && !result.result().allowed()
                      ? result.result().error(System.currentTimeMillis())
                      : forbidden;
              if (result.succeeded()) {
                RateLimits.headers(ctx.response(), result.result());
              }
              // the CORS handler set its own reason phrase ("CORS Rejected"), which would stick to
              // a 429 too
              ctx.response()
                  .setStatusMessage(
                      HttpResponseStatus.valueOf(error.code().httpStatus()).reasonPhrase());
              answer(ctx, error.code().httpStatus(), error);
            });
  }
}
