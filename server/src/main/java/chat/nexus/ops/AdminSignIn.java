package chat.nexus.ops;

import chat.nexus.admin.AdminOptions;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's HTTP Basic sign-in on the routes that take it (the drain, changes to characters): one
 * count of failed attempts per client address for all of them ({@link AdminAttempts}), so that a
 * guesser gets no more tries from a second route.
 */
public final class AdminSignIn {

  private static final Logger LOG = LoggerFactory.getLogger(AdminSignIn.class);

  static final String CHALLENGE = "Basic realm=\"Nexus Chat admin\", charset=\"UTF-8\"";

  private final AdminOptions admin;
  private final Function<RoutingContext, String> clientAddress;
  private final AdminAttempts attempts = new AdminAttempts(System::currentTimeMillis);

  /**
   * @param clientAddress the client address failed attempts are counted under
   */
  public AdminSignIn(AdminOptions admin, Function<RoutingContext, String> clientAddress) {
    this.admin = admin;
    this.clientAddress = clientAddress;
  }

  public boolean enabled() {
    return admin.enabled();
  }

  /**
   * Whether the request carries the admin's credentials. If not, the request has failed:
   * RATE_LIMITED while its address has failed too often lately, else UNAUTHORIZED (with the Basic
   * challenge), and the attempt counts.
   */
  public boolean admits(RoutingContext ctx) {
    String address = clientAddress.apply(ctx);
    long retryAfter = attempts.retryAfterSeconds(address);
    if (retryAfter > 0) {
      ctx.fail(
          new ApiException(
              ErrorCode.RATE_LIMITED,
              "too many failed admin sign-ins from this address; retry later",
              retryAfter));
      return false;
    }
    if (!admin.acceptsBasic(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      attempts.failed(address);
      LOG.warn(
          "refused admin credentials for {} {} from {}",
          ctx.request().method(),
          ctx.request().path(),
          address);
      ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
      ctx.fail(ApiException.unauthorized("admin credentials required (HTTP Basic)"));
      return false;
    }
    LOG.info("admin {} {} from {}", ctx.request().method(), ctx.request().path(), address);
    return true;
  }
}
