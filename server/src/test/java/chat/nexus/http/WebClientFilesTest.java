package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.companion.DemoCharacter;
import chat.nexus.testing.ServerCases;
import chat.nexus.web.WebFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the web client needs from the server without a browser: its files at / beside the API, the
 * bundled socket.io-client, caching headers, user names, and the demo companion on a fresh
 * database.
 */
class WebClientFilesTest extends ServerCases {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theClientIsServedAtTheRootWithItsLabels() throws Exception {
    HttpResponse<byte[]> page = get("/", Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("cache-control")).contains(WebFiles.REVALIDATE);
    assertThat(page.headers().firstValue("content-security-policy").orElse(""))
        .startsWith("default-src 'self'; script-src 'self' 'sha256-")
        .contains("connect-src 'self'", "frame-ancestors 'none'");
    String html = new String(page.body());
    assertThat(html)
        .contains(
            ">Name</label>",
            ">Continue as guest</button>",
            ">Room</label>",
            ">Message</label>",
            ">Send</button>",
            "/assets/vendor/socket.io.min.");
    // The plain names of earlier builds still answer, revalidated each time.
    for (String file : new String[] {"/app.css", "/favicon.svg"}) {
      assertThat(get(file, Map.of()).statusCode()).as(file).isEqualTo(200);
    }
    // app.js and the modules it imports: a module script with a non-script type is refused
    // (nosniff).
    for (String module :
        new String[] {
          "/app.js",
          "/api.js",
          "/dom.js",
          "/state.js",
          "/names.js",
          "/login.js",
          "/connection.js",
          "/rooms.js",
          "/people.js",
          "/companions.js",
          "/views.js"
        }) {
      HttpResponse<byte[]> script = get(module, Map.of());
      assertThat(script.statusCode()).as(module).isEqualTo(200);
      assertThat(script.headers().firstValue("content-type").orElse(""))
          .as(module)
          .contains("javascript");
      assertThat(script.headers().firstValue("cache-control")).contains(WebFiles.REVALIDATE);
    }
  }

  @Test
  void theBundledSocketIoClientIsRevalidatedUnderItsPlainName() throws Exception {
    HttpResponse<byte[]> client = get("/assets/vendor/socket.io.min.js", Map.of());
    assertThat(client.statusCode()).isEqualTo(200);
    assertThat(client.headers().firstValue("cache-control")).contains(WebFiles.REVALIDATE);
    assertThat(new String(client.body())).contains("Socket.IO v4.8");
    String etag = client.headers().firstValue("etag").orElseThrow();
    assertThat(get("/assets/vendor/socket.io.min.js", Map.of("If-None-Match", etag)).statusCode())
        .isEqualTo(304);
    assertThat(get("/assets/vendor/socket.io.min.js.map", Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void theApiAndOtherEndpointsKeepTheirOwnAnswers() {
    rest.get("/api/nope").assertError(404, "NOT_FOUND");
    rest.get("/api").assertError(404, "NOT_FOUND");
    rest.get("/no-such-file.html").assertError(404, "NOT_FOUND");
    assertThat(rest.get("/health").assertOk(200).getString("status")).isEqualTo("up");
    assertThat(rest.get("/metrics").body()).contains("nexus_connections");
    assertThat(rest.get("/socket.io/?EIO=4&transport=polling").body()).startsWith("0{");
  }

  @Test
  void usersHaveNamesForSignedInCallers() {
    JsonObject ann = server.guest("Ann");
    JsonObject bob = server.guest("Bob");
    String bobId = bob.getJsonObject("user").getString("id");
    JsonObject user =
        rest.get("/api/users/" + bobId, ann.getString("token")).assertOk(200).getJsonObject("user");
    assertThat(user)
        .isEqualTo(
            new JsonObject()
                .put("id", bobId)
                .put("name", "Bob")
                .put("handle", bob.getJsonObject("user").getString("handle"))
                .put("kind", "guest")
                .putNull("avatarUrl"));
    rest.get("/api/users/" + bobId).assertError(401, "UNAUTHORIZED");
    rest.get("/api/users/nobody-like-this", ann.getString("token")).assertError(404, "NOT_FOUND");
  }

  @Test
  void aFreshServerHasTheDemoCompanionWithItsAvatar() throws Exception {
    JsonArray list = rest.get("/api/characters").assertOk(200).getJsonArray("characters");
    JsonObject demo =
        list.stream()
            .map(JsonObject.class::cast)
            .filter(c -> DemoCharacter.ID.equals(c.getString("id")))
            .findFirst()
            .orElseThrow();
    assertThat(demo.getString("name")).isEqualTo("Mira");
    assertThat(demo.getBoolean("hasAvatar")).isTrue();
    HttpResponse<byte[]> avatar = get("/api/characters/" + DemoCharacter.ID + "/avatar", Map.of());
    assertThat(avatar.statusCode()).isEqualTo(200);
    assertThat(avatar.headers().firstValue("content-type")).contains("image/png");
    assertThat(server.count("SELECT COUNT(*) FROM characters WHERE id = ?", DemoCharacter.ID))
        .isEqualTo(1);
  }
}
