package chat.nexus.socketio;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * What the client sent when it connected to a namespace.
 *
 * @param headers the HTTP headers of the Engine.IO handshake request (without the websocket
 *     handshake's own)
 * @param auth the CONNECT packet's payload ({@code io(url, {auth})} on the client), {} when absent
 * @param address the client's IP address as seen by the server
 * @param issued when the socket connected, epoch milliseconds
 * @param url the handshake request's URI
 * @param secure whether the request came over TLS
 */
public record Handshake(
    MultiMap headers, JsonObject auth, String address, long issued, String url, boolean secure) {

  /**
   * The handshake request's query parameters, parsed from the URL on each call (kept out of
   * memory).
   */
  public MultiMap query() {
    MultiMap query = MultiMap.caseInsensitiveMultiMap();
    new QueryStringDecoder(url).parameters().forEach(query::add);
    return query;
  }
}
