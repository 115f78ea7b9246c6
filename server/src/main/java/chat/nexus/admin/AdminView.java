package chat.nexus.admin;

import chat.nexus.ratelimit.ClientAddress;
import chat.nexus.socketio.Handshake;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.admin.AdminUi;
import chat.nexus.socketio.admin.AdminUiOptions;
import java.util.List;
import java.util.Optional;

/**
 * The chat's admin view through the official Socket.IO Admin UI: its namespace {@value
 * AdminUiOptions#DEFAULT_NAMESPACE} on the chat port, behind the ADMIN_USERNAME / ADMIN_PASSWORD
 * credentials; without a password the namespace does not exist. It shows the main namespace, where
 * the chat's sockets are. Rooms are never joined from the UI: a direct room belongs to its two
 * users.
 */
public final class AdminView {

  private AdminView() {}

  /**
   * Installs the admin namespace when the admin surface is on.
   *
   * @param nodeId this node's id, which tells nodes on one host apart in the UI's server list
   */
  public static Optional<AdminUi> install(
      SocketIoServer io,
      AdminOptions admin,
      AdminUiSettings settings,
      ClientAddress addresses,
      String nodeId) {
    if (!admin.enabled()) {
      return Optional.empty();
    }
    AdminUiOptions options =
        AdminUiOptions.of(admin::accepts, serverId(nodeId))
            .withNamespaces(List.of("/"))
            .withDevelopment(settings.development())
            .withReadonly(settings.readonly())
            .withAddressOf(h -> ClientAddress.key(addresses.of(h.address(), forwardedFor(h))));
    return Optional.of(AdminUi.install(io, options));
  }

  private static String forwardedFor(Handshake handshake) {
    return handshake.headers().get("x-forwarded-for");
  }

  /** The host name (a pod's name in Kubernetes) and the start of the node id. */
  private static String serverId(String nodeId) {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    String shortId = nodeId.length() > 8 ? nodeId.substring(0, 8) : nodeId;
    return host.isBlank() ? shortId : host + "#" + shortId;
  }
}
