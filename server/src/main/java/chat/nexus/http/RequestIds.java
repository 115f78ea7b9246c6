package chat.nexus.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/** X-Request-Id: taken from the request when sane, made otherwise, written back on the response. */
final class RequestIds {

  static final String HEADER = "X-Request-Id";
  static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id =
        given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    Object id = ctx.get(KEY);
    return id != null ? id.toString() : "-";
  }
}
