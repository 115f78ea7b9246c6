package chat.nexus.engineio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The HTTP requests of an open long-polling session: a GET takes what the session has queued (or
 * waits for it), a POST brings packets in a body read up to maxPayload. One per server; the work of
 * each request runs on its session's event loop.
 */
final class PollingRequests {

  private final EngineIoServer server;
  private final int maxPayload;

  PollingRequests(EngineIoServer server) {
    this.server = server;
    this.maxPayload = server.options().maxPayload();
  }

  /** A request that names a polling session by its sid. */
  void handle(HttpServerRequest request, HttpServerResponse response, EngineSocket socket) {
    if (request.method() == HttpMethod.GET) {
      socket.execute(() -> poll(socket, response));
    } else if (request.method() == HttpMethod.POST) {
      readBody(request, response, socket);
    } else {
      server.sendError(response, EngineError.BAD_REQUEST, "unsupported method " + request.method());
    }
  }

  private void poll(EngineSocket socket, HttpServerResponse response) {
    switch (socket.transport().poll(response)) {
      case TAKEN -> {}
      case REFUSED -> server.sendError(response, EngineError.BAD_REQUEST, null);
      case OVERLAPPING -> {
        server.sendError(response, EngineError.BAD_REQUEST, "overlapping GET requests");
        socket.close(EngineSocket.TRANSPORT_ERROR);
      }
    }
  }

  private void readBody(
      HttpServerRequest request, HttpServerResponse response, EngineSocket socket) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length > maxPayload) {
        payloadTooLarge(response, socket);
        return;
      }
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(
        chunk -> {
          if (refused[0]) {
            return;
          }
          if (body.length() + chunk.length() > maxPayload) {
            refused[0] = true;
            payloadTooLarge(response, socket);
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        v -> {
          if (!refused[0]) {
            String payload = body.toString(StandardCharsets.UTF_8);
            socket.execute(() -> post(socket, payload, response));
          }
        });
  }

  private void payloadTooLarge(HttpServerResponse response, EngineSocket socket) {
    response.setStatusCode(413).putHeader(HttpHeaders.CONNECTION, "close").end();
    socket.close(EngineSocket.TRANSPORT_ERROR);
  }

  private void post(EngineSocket socket, String body, HttpServerResponse response) {
    if (socket.isClosed()) {
      if (socket.transport().closePending()) {
        // Closing: the data is dropped, but an error would make the client report a transport
        // error before it reads the last frames and the close packet.
        response.putHeader("Content-Type", "text/html").end("ok");
      } else {
        server.sendError(response, EngineError.BAD_REQUEST, null);
      }
      return;
    }
    List<EngineCodec.InPacket> packets;
    try {
      packets = EngineCodec.decodePayload(body);
    } catch (EngineParseException e) {
      server.sendError(response, EngineError.BAD_REQUEST, e.getMessage());
      socket.close(EngineSocket.PARSE_ERROR);
      return;
    }
    response.putHeader("Content-Type", "text/html").end("ok");
    for (EngineCodec.InPacket packet : packets) {
      if (socket.isClosed()) {
        break;
      }
      socket.receive(packet);
    }
  }
}
