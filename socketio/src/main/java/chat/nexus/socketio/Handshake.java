package chat.nexus.socketio;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * What the client sent when it connected to a namespace.
 *
 * @param headers the HTTP headers of the Engine.IO handshake request
 * @param query its query parameters
 * @param auth the CONNECT packet's payload ({@code io(url, {auth})} on the client), {} when absent
 * @param address the client's IP address as seen by the server
 * @param issued when the socket connected, epoch milliseconds
 * @param url the handshake request's URI
 * @param secure whether the request came over TLS
 */
public record Handshake(MultiMap headers, MultiMap query, JsonObject auth, String address, long issued, String url, boolean secure) {}
