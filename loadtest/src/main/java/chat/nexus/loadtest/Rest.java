package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few REST calls the ladder's coordinator makes before the run: a guest sign-in and a
 * character.
 */
final class Rest {
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final String base;

  Rest(String url) {
    this.base = Spec.httpBase(url);
  }

  /**
   * A guest token, or an exception saying why there is none (e.g. 404: the server has no guest
   * sign-in).
   */
  String guest(String name) throws IOException, InterruptedException {
    HttpResponse<String> r = post(GuestSignIn.PATH, null, new JsonObject().put("name", name));
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          "POST " + GuestSignIn.PATH + " answered " + r.statusCode() + " " + abbreviate(r.body()));
    }
    return new JsonObject(r.body()).getString("token");
  }

  /**
   * Creates the character the companion clients talk to (a short Character Card V2, unlisted: every
   * client of the run may open it by its id, the gallery does not list it) and returns its id.
   */
  String createCharacter(String token) throws IOException, InterruptedException {
    JsonObject card =
        new JsonObject()
            .put("spec", "chara_card_v2")
            .put("spec_version", "2.0")
            .put(
                "data",
                new JsonObject()
                    .put("name", "Ladder Bard")
                    .put("description", "A cheerful bard who answers briefly.")
                    .put("personality", "cheerful")
                    .put("scenario", "A tavern.")
                    .put("first_mes", "Well met, traveller!")
                    .put("mes_example", "")
                    .put("creator_notes", "")
                    .put("system_prompt", "")
                    .put("post_history_instructions", "")
                    .put("alternate_greetings", new JsonArray())
                    .put("tags", new JsonArray())
                    .put("creator", "nexus-loadtest")
                    .put("character_version", "1")
                    .put("extensions", new JsonObject()));
    HttpResponse<String> r = post("/api/characters?visibility=unlisted", token, card);
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          "POST /api/characters answered " + r.statusCode() + " " + abbreviate(r.body()));
    }
    return String.valueOf(new JsonObject(r.body()).getJsonObject("character").getValue("id"));
  }

  /** The body of GET {@code path}, or null when it is not a 200 or the server does not answer. */
  String getOrNull(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private HttpResponse<String> post(String path, String token, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) b.header("authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
