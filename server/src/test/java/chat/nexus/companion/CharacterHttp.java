package chat.nexus.companion;

import chat.nexus.testing.Rest;
import chat.nexus.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** The requests of the character routes that {@link Rest} has no method for, over real HTTP. */
final class CharacterHttp {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String baseUrl;

  CharacterHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A bearer token, or {@code basic:user:password} for HTTP Basic. */
  Rest.Response send(String method, String path, String contentType, byte[] body, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(Waits.TIMEOUT_S))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    if (token != null && token.startsWith("basic:")) {
      builder.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(token.substring(6).getBytes(StandardCharsets.UTF_8)));
    } else if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<byte[]> response =
          HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Rest.Response(
          response.statusCode(),
          response.headers(),
          new String(response.body(), StandardCharsets.ISO_8859_1));
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    }
  }

  Rest.Response json(String method, String path, String json, String token) {
    return send(
        method,
        path,
        "application/json",
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        token);
  }

  /** The raw bytes of a response read as ISO-8859-1 (one char a byte). */
  static byte[] bytes(Rest.Response response) {
    return response.body().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A multipart/form-data POST: a file field and text fields. */
  Rest.Response form(
      String path,
      String fileName,
      String fileType,
      byte[] file,
      Map<String, String> fields,
      String token) {
    String boundary = "----nexus" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.forEach(
        (name, value) ->
            write(
                out,
                "--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\""
                    + name
                    + "\"\r\n\r\n"
                    + value
                    + "\r\n"));
    write(
        out,
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + fileName
            + "\"\r\n"
            + (fileType == null ? "" : "Content-Type: " + fileType + "\r\n")
            + "\r\n");
    out.writeBytes(file);
    write(out, "\r\n--" + boundary + "--\r\n");
    return send(
        "POST", path, "multipart/form-data; boundary=" + boundary, out.toByteArray(), token);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
