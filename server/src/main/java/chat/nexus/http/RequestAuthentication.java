package chat.nexus.http;

import chat.nexus.auth.AuthService;
import chat.nexus.auth.Identity;
import chat.nexus.auth.SessionCookie;
import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * Who calls the REST API: a bearer token, or else the session cookie. {@link #resolve} finds out
 * for every /api request and never fails, so that the rate limiter can count by user or by address;
 * {@link #require} then fails the routes that need a caller.
 */
final class RequestAuthentication {

  private static final String IDENTITY = "identity";
  private static final String AUTH_FAILURE = "authFailure";
  private static final String BY_COOKIE = "byCookie";
  private static final String BEARER = "Bearer ";

  private final AuthService auth;
  private final Optional<SessionCookie> cookies;

  RequestAuthentication(AuthService auth, Optional<SessionCookie> cookies) {
    this.auth = auth;
    this.cookies = cookies;
  }

  /** The caller, once {@link #resolve} has found one; null otherwise. */
  static Identity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  /** Whether the caller was found by the session cookie (not a token). */
  static boolean byCookie(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(BY_COOKIE));
  }

  /** Why a credential the request showed was refused, or null. */
  static Throwable failure(RoutingContext ctx) {
    return ctx.get(AUTH_FAILURE);
  }

  /**
   * Finds out who calls, when the request says: a bearer token, or else the session cookie. The
   * outcome is kept for the rate limiter (user or address) and for {@link #require}; nothing fails
   * here. Cookie-authenticated state-changing requests must show they are not a cross-site form: a
   * JSON (or other non-form) Content-Type, or an X-Requested-With header (see README, CSRF).
   */
  void resolve(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    Future<Identity> identity;
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      identity = auth.authenticate(header.substring(BEARER.length()).trim());
    } else {
      Optional<String> sessionId =
          cookies.flatMap(
              c -> c.verify(SessionCookie.fromHeader(ctx.request().getHeader(HttpHeaders.COOKIE))));
      if (sessionId.isEmpty()) {
        ctx.next();
        return;
      }
      if (!safeFromCsrf(ctx)) {
        ctx.put(
            AUTH_FAILURE,
            ApiException.forbidden(
                "a cookie-authenticated "
                    + ctx.request().method()
                    + " must send Content-Type: application/json or an "
                    + HttpApi.CSRF_HEADER
                    + " header"));
        ctx.next();
        return;
      }
      ctx.put(BY_COOKIE, true);
      identity = auth.authenticateSession(sessionId.get());
    }
    identity.onComplete(
        result -> {
          if (HttpApi.clientGone(ctx)) {
            return;
          }
          if (result.succeeded()) {
            ctx.put(IDENTITY, result.result());
          } else {
            ctx.put(AUTH_FAILURE, result.cause());
          }
          ctx.next();
        });
  }

  /** Lets only requests with a caller through; the others fail with why (UNAUTHORIZED). */
  void require(RoutingContext ctx) {
    if (identity(ctx) != null) {
      ctx.next();
      return;
    }
    Throwable failure = failure(ctx);
    ctx.fail(
        failure != null
            ? failure
            : ApiException.unauthorized("missing Authorization: Bearer token or session cookie"));
  }

  /** Form posts (the only cross-site requests a browser sends without CORS) cannot set these. */
  private static boolean safeFromCsrf(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      return true;
    }
    if (ctx.request().getHeader(HttpApi.CSRF_HEADER) != null) {
      return true;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    String t = type.toLowerCase(Locale.ROOT);
    return !(t.startsWith("application/x-www-form-urlencoded")
        || t.startsWith("multipart/form-data")
        || t.startsWith("text/plain"));
  }
}
