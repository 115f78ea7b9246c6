package chat.nexus.socketio.admin;

import chat.nexus.socketio.Handshake;
import chat.nexus.socketio.RemoteSocket;
import chat.nexus.socketio.Socket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * A socket as the Admin UI shows it, the reference instrument's shape: {@code {id, clientId,
 * transport, nsp, data, handshake: {address, headers, query, issued, secure, time, url, xdomain},
 * rooms}}. The handshake's auth payload is left out, as there; so are headers that carry
 * credentials (Authorization, Cookie), which the reference sends. Of the socket's data only plain
 * values (text, numbers, booleans) are shown: the application's objects stay private.
 */
final class SocketView {

  /**
   * Where a socket's connection id and transport travel with it to other nodes' fetchSockets (the
   * reference instrument's {@code socket.data._admin}); never shown as data.
   */
  static final String ADMIN_DATA = "_admin";

  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "cookie", "proxy-authorization");

  private SocketView() {}

  /**
   * The UI's client id: the same for every namespace of one connection, but not the connection's
   * Engine.IO session id, which would let its holder poll on the client's behalf.
   */
  static String clientId(Socket socket) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(socket.connectionId().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What travels in the socket's data for other nodes: {clientId, transport}. */
  static JsonObject adminData(Socket socket) {
    return new JsonObject().put("clientId", clientId(socket)).put("transport", socket.transport());
  }

  static JsonObject of(RemoteSocket socket, String nsp) {
    String clientId = "";
    String transport = "websocket";
    if (socket instanceof Socket local) {
      clientId = clientId(local);
      transport = local.transport();
    } else {
      Object admin = socket.data().get(ADMIN_DATA);
      Map<?, ?> sent =
          admin instanceof JsonObject json
              ? json.getMap()
              : admin instanceof Map<?, ?> m ? m : null;
      if (sent != null && sent.get("clientId") instanceof String id) {
        clientId = id;
      }
      if (sent != null && sent.get("transport") instanceof String name) {
        transport = name;
      }
    }
    return new JsonObject()
        .put("id", socket.id())
        .put("clientId", clientId)
        .put("transport", transport)
        .put("nsp", nsp)
        .put("data", data(socket.data()))
        .put("handshake", handshake(socket.handshake()))
        .put("rooms", new JsonArray(socket.rooms().stream().map(Object.class::cast).toList()));
  }

  static JsonObject data(Map<String, Object> data) {
    JsonObject shown = new JsonObject();
    data.forEach(
        (key, value) -> {
          if (!key.startsWith("_")
              && (value instanceof String || value instanceof Number || value instanceof Boolean)) {
            shown.put(key, value);
          }
        });
    return shown;
  }

  private static JsonObject handshake(Handshake h) {
    JsonObject headers = new JsonObject();
    h.headers()
        .forEach(
            header -> {
              String name = header.getKey().toLowerCase();
              if (!SECRET_HEADERS.contains(name)) {
                headers.put(name, header.getValue());
              }
            });
    JsonObject query = new JsonObject();
    h.query().forEach(param -> query.put(param.getKey(), param.getValue()));
    String forwarded = h.headers().get("cf-connecting-ip");
    if (forwarded == null) {
      forwarded = h.headers().get("x-forwarded-for");
    }
    return new JsonObject()
        .put("address", forwarded != null ? forwarded : h.address())
        .put("headers", headers)
        .put("query", query)
        .put("issued", h.issued())
        .put("secure", h.secure())
        .put("time", Instant.ofEpochMilli(h.issued()).toString())
        .put("url", h.url())
        .put("xdomain", h.headers().contains("origin"));
  }
}
