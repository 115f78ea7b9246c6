package chat.nexus.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A small blocking REST client (java.net.http) with the assertions of the contract's error shape.
 */
public final class Rest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(Waits.TIMEOUT_S))
          .build();

  private final String baseUrl;

  public Rest(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A response: status, headers and body text. */
  public record Response(int status, java.net.http.HttpHeaders headers, String body) {

    public JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        throw new AssertionError("not a JSON object (status " + status + "): " + body, e);
      }
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /**
     * Asserts the status and the contract's error shape {"ok":false,"error":{"code","message"}}.
     */
    public Response assertError(int expectedStatus, String expectedCode) {
      assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
      assertThat(header("Content-Type"))
          .as("content type of %s", this)
          .startsWith("application/json");
      assertErrorShape(json(), expectedCode);
      return this;
    }

    public JsonObject assertOk(int expectedStatus) {
      assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
      JsonObject json = json();
      assertThat(json.getBoolean("ok")).as("ok in %s", body).isTrue();
      return json;
    }

    public String message() {
      return json().getJsonObject("error").getString("message");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** The error shape, shared by REST bodies and acks. */
  public static void assertErrorShape(JsonObject body, String expectedCode) {
    assertThat(body.fieldNames()).as("fields of %s", body).containsExactlyInAnyOrder("ok", "error");
    assertThat(body.getValue("ok")).as("ok in %s", body).isEqualTo(false);
    assertThat(body.getValue("error")).as("error in %s", body).isInstanceOf(JsonObject.class);
    JsonObject error = body.getJsonObject("error");
    assertThat(error.fieldNames())
        .as("fields of the error in %s", body)
        .contains("code", "message");
    assertThat(error.fieldNames())
        .as("fields of the error in %s", body)
        .isSubsetOf(
            "QUOTA_EXCEEDED".equals(expectedCode)
                ? List.of("code", "message", "retryAfter", "resetAt")
                : List.of("code", "message", "retryAfter"));
    assertThat(error.getValue("code")).as("code in %s", body).isEqualTo(expectedCode);
    assertThat(error.getValue("message")).as("message in %s", body).isInstanceOf(String.class);
    assertThat(error.getString("message")).as("message in %s", body).isNotBlank();
  }

  public Response get(String path) {
    return get(path, null);
  }

  public Response get(String path, String token) {
    return send(builder(path, token, Map.of()).GET());
  }

  public Response post(String path, JsonObject body) {
    return post(path, body, null);
  }

  public Response post(String path, JsonObject body, String token) {
    return postRaw(path, "application/json", body == null ? "" : body.encode(), token, Map.of());
  }

  public Response postRaw(
      String path, String contentType, String body, String token, Map<String, String> headers) {
    HttpRequest.Builder builder =
        builder(path, token, headers).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder);
  }

  public Response getWithHeaders(String path, Map<String, String> headers) {
    return send(builder(path, null, headers).GET());
  }

  private HttpRequest.Builder builder(String path, String token, Map<String, String> headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(Waits.TIMEOUT_S));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    headers.forEach(builder::header);
    return builder;
  }

  private static Response send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
