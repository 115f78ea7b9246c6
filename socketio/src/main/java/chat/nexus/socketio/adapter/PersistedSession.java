package chat.nexus.socketio.adapter;

import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A disconnected socket kept for connection state recovery.
 *
 * @param sid the socket id, given back to the recovered socket
 * @param pid the private session id the client presents to recover
 * @param rooms the rooms it was in
 * @param data its application data
 * @param missedPackets event payloads broadcast to it while it was away (filled by restoreSession)
 */
public record PersistedSession(
    String sid,
    String pid,
    Set<String> rooms,
    Map<String, Object> data,
    List<JsonArray> missedPackets) {}
