package chat.nexus.socketio.adapter;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * A socket of another node, as that node described it in answer to a fetchSockets.
 *
 * @param id the socket id
 * @param handshake its handshake in the reference server's form ({headers, time, address, xdomain,
 *     secure, issued, url, query, auth}), {} when the node sent none
 * @param rooms the rooms it is in, its own id included
 * @param data its application data that has a JSON form
 */
public record SocketDetails(
    String id, JsonObject handshake, Set<String> rooms, Map<String, Object> data) {}
