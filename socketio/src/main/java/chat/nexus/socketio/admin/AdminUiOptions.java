package chat.nexus.socketio.admin;

import chat.nexus.socketio.Handshake;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * How {@link AdminUi} serves the official Socket.IO Admin UI.
 *
 * @param namespace the admin namespace the UI connects to ("/admin", the UI's default)
 * @param credentials whether a username and password are the admin's; the UI sends them as {@code
 *     {username, password}} in its handshake
 * @param serverId how this node is named in the UI's server list
 * @param namespaces the application's namespaces whose sockets, rooms and events the UI may see and
 *     act on (the admin namespace is always among them)
 * @param development the reference instrument's mode "development": the UI lists every socket with
 *     its handshake and rooms, and each event a client sends with its arguments. Otherwise (its
 *     "production") it gets only each node's figures every {@code statsIntervalMs}.
 * @param readonly the UI may only look: no disconnect, leave or join
 * @param allowJoin the UI may make sockets join any room (off: a room may be private to some users)
 * @param statsIntervalMs how often each node sends its figures
 * @param failedAttemptsPerMinute refused logins per client address per minute before every attempt
 *     from that address is refused unchecked until the minute is over
 * @param addressOf the client address a handshake counts against
 */
public record AdminUiOptions(
    String namespace,
    BiPredicate<String, String> credentials,
    String serverId,
    List<String> namespaces,
    boolean development,
    boolean readonly,
    boolean allowJoin,
    long statsIntervalMs,
    int failedAttemptsPerMinute,
    Function<Handshake, String> addressOf) {

  public static final String DEFAULT_NAMESPACE = "/admin";

  /** The reference instrument's period; the UI marks a server unhealthy after 10 s of silence. */
  public static final long DEFAULT_STATS_INTERVAL_MS = 2_000;

  public static final int DEFAULT_FAILED_ATTEMPTS_PER_MINUTE = 10;

  public AdminUiOptions {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(serverId, "serverId");
    Objects.requireNonNull(addressOf, "addressOf");
    namespace = normalized(namespace);
    namespaces = namespaces.stream().map(AdminUiOptions::normalized).distinct().toList();
    if (statsIntervalMs <= 0 || failedAttemptsPerMinute <= 0) {
      throw new IllegalArgumentException("the stats interval and attempt limit must be positive");
    }
  }

  /**
   * The reference instrument's defaults: namespace /admin, the main namespace shown, development
   * mode, actions allowed but join, the handshake's address.
   */
  public static AdminUiOptions of(BiPredicate<String, String> credentials, String serverId) {
    return new AdminUiOptions(
        DEFAULT_NAMESPACE,
        credentials,
        serverId,
        List.of("/"),
        true,
        false,
        false,
        DEFAULT_STATS_INTERVAL_MS,
        DEFAULT_FAILED_ATTEMPTS_PER_MINUTE,
        Handshake::address);
  }

  public AdminUiOptions withNamespaces(List<String> names) {
    return new AdminUiOptions(
        namespace,
        credentials,
        serverId,
        names,
        development,
        readonly,
        allowJoin,
        statsIntervalMs,
        failedAttemptsPerMinute,
        addressOf);
  }

  public AdminUiOptions withDevelopment(boolean on) {
    return new AdminUiOptions(
        namespace,
        credentials,
        serverId,
        namespaces,
        on,
        readonly,
        allowJoin,
        statsIntervalMs,
        failedAttemptsPerMinute,
        addressOf);
  }

  public AdminUiOptions withReadonly(boolean on) {
    return new AdminUiOptions(
        namespace,
        credentials,
        serverId,
        namespaces,
        development,
        on,
        allowJoin,
        statsIntervalMs,
        failedAttemptsPerMinute,
        addressOf);
  }

  public AdminUiOptions withAddressOf(Function<Handshake, String> address) {
    return new AdminUiOptions(
        namespace,
        credentials,
        serverId,
        namespaces,
        development,
        readonly,
        allowJoin,
        statsIntervalMs,
        failedAttemptsPerMinute,
        address);
  }

  /** The namespaces shown: the application's and the admin one, in that order. */
  List<String> shown() {
    return namespaces.contains(namespace)
        ? namespaces
        : Stream.concat(namespaces.stream(), Stream.of(namespace)).toList();
  }

  private static String normalized(String name) {
    return name.startsWith("/") ? name : "/" + name;
  }
}
