package chat.nexus.observability;

import io.vertx.core.http.HttpMethod;
import java.util.Set;

/**
 * A router path such as {@code /api/rooms/:id/messages} and its methods (none: any), matched
 * against a request path segment by segment without allocating: a {@code :name} segment takes any
 * non-empty segment.
 */
record Template(String path, Set<HttpMethod> methods) {

  boolean matches(HttpMethod method, String request) {
    if (request == null || (methods != null && !methods.isEmpty() && !methods.contains(method))) {
      return false;
    }
    int t = 0;
    int r = 0;
    while (t < path.length() && r < request.length()) {
      if (path.charAt(t) == ':') {
        int segmentEnd = request.indexOf('/', r);
        segmentEnd = segmentEnd < 0 ? request.length() : segmentEnd;
        if (segmentEnd == r) {
          return false;
        }
        r = segmentEnd;
        int templateEnd = path.indexOf('/', t);
        t = templateEnd < 0 ? path.length() : templateEnd;
      } else if (path.charAt(t++) != request.charAt(r++)) {
        return false;
      }
    }
    return t == path.length() && r == request.length();
  }
}
