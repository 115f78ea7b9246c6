package chat.nexus.uploads;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny S3-compatible object store for tests, on 127.0.0.1 only (the JDK's HTTP server): PUT, GET
 * and HEAD of objects by path ({@code /bucket/key}, path-style), NoSuchKey for what it does not
 * have. It checks that requests are signed (AWS SigV4 Authorization header) but not the signature.
 */
final class FakeS3 implements AutoCloseable {

  final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  final Map<String, String> types = new ConcurrentHashMap<>();
  private final HttpServer server;

  FakeS3() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
        error(exchange, 403, "AccessDenied");
        return;
      }
      String key = exchange.getRequestURI().getRawPath();
      switch (exchange.getRequestMethod()) {
        case "PUT" -> {
          objects.put(key, readAll(exchange.getRequestBody()));
          String type = exchange.getRequestHeaders().getFirst("Content-Type");
          types.put(key, type == null ? "application/octet-stream" : type);
          exchange.getResponseHeaders().add("ETag", "\"fake\"");
          exchange.sendResponseHeaders(200, -1);
        }
        case "GET", "HEAD" -> {
          byte[] data = objects.get(key);
          if (data == null) {
            error(exchange, 404, "NoSuchKey");
            return;
          }
          exchange.getResponseHeaders().add("Content-Type", types.get(key));
          exchange.getResponseHeaders().add("ETag", "\"fake\"");
          if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().add("Content-Length", String.valueOf(data.length));
            exchange.sendResponseHeaders(200, -1);
          } else {
            exchange.sendResponseHeaders(200, data.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(data);
            }
          }
        }
        case "DELETE" -> {
          objects.remove(key);
          types.remove(key);
          exchange.sendResponseHeaders(204, -1);
        }
        default -> error(exchange, 405, "MethodNotAllowed");
      }
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  private static void error(HttpExchange exchange, int status, String code) throws IOException {
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>"
                + code
                + "</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
