package chat.nexus.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PostgreSQL address as the settings give it, {@code postgres://user:pass@host:port,...
 * /db?params} or {@code jdbc:postgresql://host:port,.../db?params}, taken apart into the JDBC URL
 * the driver gets and the credentials the pool gets. Several hosts are the driver's multi-host
 * form: it tries them in order and keeps the first that fits {@code targetServerType}. {@link
 * #toString()} and every error name hosts and database only, never credentials or parameters.
 *
 * @param hosts {@code host:port} each, port 5432 when not given
 * @param path the database part, from its {@code /}
 * @param query the parameters without {@code ?}, or empty
 * @param user the user of a postgres:// URL, if any (a jdbc: URL carries it as a parameter)
 * @param password the password of a postgres:// URL, if any
 */
record PostgresUrl(
    List<String> hosts,
    String path,
    String query,
    Optional<String> user,
    Optional<String> password) {

  static final int DEFAULT_PORT = 5432;

  private static final Pattern SCHEME =
      Pattern.compile("^(jdbc:postgresql|postgres|postgresql)://");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+)(:\\d{1,5})?");

  /** Parses a URL; IllegalArgumentException with a message that is safe to show. */
  static PostgresUrl parse(String url) {
    var scheme = SCHEME.matcher(url);
    if (!scheme.find()) {
      throw new IllegalArgumentException("is not a postgres:// or jdbc:postgresql:// URL");
    }
    boolean jdbc = url.startsWith("jdbc:");
    String rest = url.substring(scheme.end());
    // The credentials end at the last '@' before the parameters: a password may hold a '/'.
    int question = rest.indexOf('?');
    String beforeParams = question >= 0 ? rest.substring(0, question) : rest;
    int at = beforeParams.lastIndexOf('@');
    int slash = beforeParams.indexOf('/', at + 1);
    int hostsEnd = slash >= 0 ? slash : beforeParams.length();
    String userInfo = at >= 0 ? rest.substring(0, at) : null;
    String hostList = rest.substring(at + 1, hostsEnd);
    String tail = rest.substring(hostsEnd);
    if (jdbc && userInfo != null) {
      throw new IllegalArgumentException(
          "a jdbc: URL gives its user and password as parameters (?user=...&password=...)");
    }
    int params = tail.indexOf('?');
    String path = params >= 0 ? tail.substring(0, params) : tail;
    path = path.isEmpty() ? "/" : path;
    String query = params >= 0 ? tail.substring(params + 1) : "";
    List<String> hosts = new ArrayList<>();
    for (String host : hostList.split(",", -1)) {
      if (!HOST_PORT.matcher(host).matches()) {
        throw new IllegalArgumentException(
            "must name its hosts as host[:port][,host[:port]...] before the database");
      }
      hosts.add(host.matches(".*:\\d+$") ? host : host + ":" + DEFAULT_PORT);
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = Optional.of(decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo));
      password = colon >= 0 ? Optional.of(decode(userInfo.substring(colon + 1))) : password;
    }
    return new PostgresUrl(List.copyOf(hosts), path, query, user, password);
  }

  private static String decode(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // The decoder's own message quotes the characters around the bad escape.
      throw new IllegalArgumentException("has a bad %-escape in its user or password");
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://"
        + String.join(",", hosts)
        + path
        + (query.isEmpty() ? "" : "?" + query);
  }

  /** Whether a parameter is given (its name compared without case, as the driver does). */
  boolean has(String parameter) {
    for (String pair : query.split("&")) {
      String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (name.equalsIgnoreCase(parameter)) {
        return true;
      }
    }
    return false;
  }

  /**
   * This URL with a parameter added unless it is already given: a default that a URL can override,
   * and that reaches every connection made from the URL (the pool's, the start-up check's and
   * Flyway's).
   */
  PostgresUrl withDefault(String parameter, String value) {
    if (has(parameter)) {
      return this;
    }
    String pair = parameter + "=" + value;
    return new PostgresUrl(
        hosts, path, query.isEmpty() ? pair : query + "&" + pair, user, password);
  }

  /** The same database on one of the hosts. */
  PostgresUrl onHost(String host) {
    return new PostgresUrl(List.of(host), path, query, user, password);
  }

  /** Hosts and database, for logs and errors. */
  @Override
  public String toString() {
    return "PostgreSQL " + String.join(",", hosts) + path;
  }
}
