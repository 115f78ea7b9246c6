package chat.nexus.socketio.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link RedisLink} finds Redis, in one of three forms:
 *
 * <ul>
 *   <li>one server: {@code redis://[user:password@]host[:port][/db]} (or {@code rediss://}, or
 *       {@code unix://} a socket path);
 *   <li>a Redis Cluster: several such URLs separated by commas, the seed nodes ({@code
 *       redis://h1:7000,redis://h2:7001}); any reachable seed tells where the others are;
 *   <li>Sentinel: {@code redis-sentinel://[user:password@]host:port[,host:port...][/db]#master}
 *       (the form Lettuce and Spring read): the sentinels, and the name of the primary they watch.
 *       The credentials and database apply to the sentinels and to the primary alike.
 * </ul>
 *
 * Errors never repeat the text, which may hold a password.
 */
public final class RedisAddress {

  /** How the Redis servers are arranged. */
  public enum Topology {
    STANDALONE,
    CLUSTER,
    SENTINEL
  }

  static final String SENTINEL_SCHEME = "redis-sentinel://";
  private static final String UNIX_SCHEME = "unix://";
  private static final int DEFAULT_PORT = 6379;
  private static final int DEFAULT_SENTINEL_PORT = 26379;

  private final Topology topology;
  private final List<String> endpoints;
  private final String masterName;

  private RedisAddress(Topology topology, List<String> endpoints, String masterName) {
    this.topology = topology;
    this.endpoints = List.copyOf(endpoints);
    this.masterName = masterName;
  }

  /** Reads one of the three forms; an IllegalArgumentException says what is wrong. */
  public static RedisAddress parse(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("Redis address is empty");
    }
    String text = address.trim();
    if (text.startsWith(SENTINEL_SCHEME)) {
      return sentinel(text);
    }
    if (text.startsWith(UNIX_SCHEME)) {
      return new RedisAddress(Topology.STANDALONE, List.of(text), null);
    }
    List<String> urls = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      urls.add(server(part.trim()));
    }
    return new RedisAddress(urls.size() == 1 ? Topology.STANDALONE : Topology.CLUSTER, urls, null);
  }

  /**
   * The Sentinel form for these sentinels ({@code host:port} each) and primary name, with the
   * credentials and database of {@code credentials} (a redis:// URL) when given.
   */
  public static String sentinelAddress(
      List<String> sentinels, String masterName, Optional<String> credentials) {
    String userInfo = "";
    String db = "";
    if (credentials.isPresent()) {
      URI uri = uri(server(credentials.get().trim()));
      userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
      db = uri.getRawPath() == null ? "" : uri.getRawPath();
    }
    String address =
        SENTINEL_SCHEME + userInfo + String.join(",", sentinels) + db + "#" + masterName;
    parse(address);
    return address;
  }

  private static RedisAddress sentinel(String text) {
    int hash = text.lastIndexOf('#');
    if (hash < 0 || hash == text.length() - 1) {
      throw new IllegalArgumentException(
          "Sentinel address needs the primary's name after '#' (redis-sentinel://host:port#name)");
    }
    String masterName = text.substring(hash + 1);
    String rest = text.substring(SENTINEL_SCHEME.length(), hash);
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
    String hostsAndDb = rest.substring(at + 1);
    int slash = hostsAndDb.indexOf('/');
    String db = slash < 0 ? "" : hostsAndDb.substring(slash);
    String hosts = slash < 0 ? hostsAndDb : hostsAndDb.substring(0, slash);
    List<String> endpoints = new ArrayList<>();
    for (String host : hosts.split(",", -1)) {
      String url = "redis://" + userInfo + withPort(host.trim(), DEFAULT_SENTINEL_PORT) + db;
      endpoints.add(server(url));
    }
    return new RedisAddress(Topology.SENTINEL, endpoints, masterName);
  }

  private static String withPort(String hostPort, int defaultPort) {
    if (hostPort.isEmpty()) {
      throw new IllegalArgumentException("Sentinel address has an empty host");
    }
    return hostPort.matches(".*:\\d+") ? hostPort : hostPort + ":" + defaultPort;
  }

  /** One server's URL, checked. */
  private static String server(String url) {
    URI uri = uri(url);
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "Redis URL must be redis://[user:password@]host[:port][/db] or rediss://..."
              + " (several, separated by commas, for a cluster)");
    }
    return url;
  }

  private static URI uri(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Redis URL is not a valid URL (" + e.getReason() + ")");
    }
  }

  public Topology topology() {
    return topology;
  }

  /** The URLs to connect to: the server, the cluster's seeds, or the sentinels. */
  public List<String> endpoints() {
    return endpoints;
  }

  /** The name of the primary the sentinels watch; empty unless {@link Topology#SENTINEL}. */
  public Optional<String> masterName() {
    return Optional.ofNullable(masterName);
  }

  /** What log lines name: the hosts and ports, never the credentials. */
  public String description() {
    List<String> hosts = new ArrayList<>(endpoints.size());
    for (String url : endpoints) {
      if (url.startsWith(UNIX_SCHEME)) {
        return url.replaceAll("\\?.*", "");
      }
      URI uri = uri(url);
      hosts.add(uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT));
    }
    return switch (topology) {
      case STANDALONE -> hosts.get(0);
      case CLUSTER -> "cluster " + String.join(",", hosts);
      case SENTINEL -> "primary '" + masterName + "' via sentinels " + String.join(",", hosts);
    };
  }
}
