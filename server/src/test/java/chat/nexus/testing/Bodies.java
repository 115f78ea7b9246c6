package chat.nexus.testing;

import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Requests with bodies that {@link Rest} does not send (PATCH, PUT and POST of bytes, multipart
 * forms, DELETE), and pictures made in memory for them.
 */
public final class Bodies {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(Waits.TIMEOUT_S))
          .build();

  private final String baseUrl;

  public Bodies(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public Rest.Response patch(String path, JsonObject body, String token) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Rest.Response put(String path, String contentType, byte[] body, String token) {
    return send(
        request(path, token)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Rest.Response post(String path, String contentType, byte[] body, String token) {
    return send(
        request(path, token)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Rest.Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  public Rest.Response get(String path, String token, Map<String, String> headers) {
    HttpRequest.Builder builder = request(path, token);
    headers.forEach(builder::header);
    return send(builder.GET());
  }

  /** A GET whose body is kept as bytes. */
  public HttpResponse<byte[]> getBytes(String path, String token) {
    try {
      return HTTP.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A multipart/form-data POST of one file in the field {@code file}. */
  public Rest.Response postFile(
      String path, String fileName, String declaredType, byte[] file, String token) {
    String boundary = "----nexus" + System.nanoTime();
    return post(
        path,
        "multipart/form-data; boundary=" + boundary,
        multipart(boundary, fileName, declaredType, file),
        token);
  }

  public static byte[] multipart(
      String boundary, String fileName, String declaredType, byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + fileName
            + "\"\r\nContent-Type: "
            + declaredType
            + "\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** A picture of this size in this format ("png", "jpeg", "gif"). */
  public static byte[] picture(int width, int height, String format) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(40, 120, 200));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The size of a picture's bytes, decoded. */
  public static int[] size(byte[] picture) {
    try {
      BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(picture));
      return new int[] {image.getWidth(), image.getHeight()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(Waits.TIMEOUT_S));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static Rest.Response send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Rest.Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
