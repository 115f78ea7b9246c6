package chat.nexus.engineio;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * Turns a Vert.x HTTP/1.1 request into a websocket at the Netty level, with our own lean frame
 * handler in place of Vert.x's connection handler.
 *
 * <p>Why not Vert.x's ServerWebSocket: it costs about 15 KB of live heap per idle connection (two
 * 1,024-slot inbound queues are 8 KB of it, the retained upgrade request about 3 KB), which is more
 * than the whole per-connection budget of a chat node holding tens of thousands of sockets. Netty's
 * own handshaker does the protocol work; the pipeline after it holds only Netty's frame decoder and
 * encoder and a {@link WebSocketTransport}.
 */
final class WebSocketUpgrade {

  private WebSocketUpgrade() {}

  /**
   * Completes the handshake and installs {@code transport} as the channel's last handler. Fails
   * (after answering the request) when the client asked for an unsupported websocket version.
   */
  static Future<Void> upgrade(
      HttpServerRequest request, int maxPayload, WebSocketTransport transport) {
    ChannelHandlerContext vertxHandler = VertxInternals.connectionHandler(request);
    Channel channel = vertxHandler.channel();
    HttpHeaders headers = new DefaultHttpHeaders();
    for (Map.Entry<String, String> header : request.headers()) {
      headers.add(header.getKey(), header.getValue());
    }
    FullHttpRequest nettyRequest =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.GET,
            request.uri(),
            Unpooled.EMPTY_BUFFER,
            headers,
            EmptyHttpHeaders.INSTANCE);
    String location = (request.isSSL() ? "wss://" : "ws://") + request.authority() + request.uri();
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(location, null, decoderConfig(maxPayload))
            .newHandshaker(nettyRequest);
    if (handshaker == null) {
      request.response().setStatusCode(426).putHeader("Sec-WebSocket-Version", "13").end();
      return Future.failedFuture("unsupported websocket version");
    }
    // From here on the channel is ours: Vert.x's handler leaves the pipeline (later messages of
    // this request, such as its empty last content, reach the transport, which drops them).
    channel.pipeline().replace(vertxHandler.name(), "engineio", transport);
    // Vert.x's idle timer leaves too: its events went to the handler just replaced, so from here on
    // it would only cost every frame written a promise and a listener. Engine.IO's heartbeat closes
    // a silent websocket (pingInterval + pingTimeout), and the transport closes one that does not
    // take its close frame.
    IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
    if (idle != null) {
      channel.pipeline().remove(idle);
    }
    Promise<Void> promise = Promise.promise();
    handshaker
        .handshake(channel, nettyRequest)
        .addListener(
            done -> {
              if (done.isSuccess()) {
                channel.config().setAutoRead(true);
                promise.complete();
              } else {
                channel.close();
                promise.fail(done.cause());
              }
            });
    return promise.future();
  }

  /** Netty's frame decoder settings: no extensions, frames up to maxPayload. */
  static WebSocketDecoderConfig decoderConfig(int maxPayload) {
    return WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxPayload)
        .allowExtensions(false)
        .withUTF8Validator(false)
        .build();
  }
}
