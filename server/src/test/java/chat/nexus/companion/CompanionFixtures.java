package chat.nexus.companion;

import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Helpers of the companion tests: guests, characters, the socket stream of a reply. */
abstract class CompanionFixtures extends ServerCases {

  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Guest(String token, String userId, String name) {}

  Guest guest() {
    String name = "g" + UUID.randomUUID().toString().substring(0, 6);
    JsonObject g = server.guest(name);
    return new Guest(g.getString("token"), g.getJsonObject("user").getString("id"), name);
  }

  String character(String token) {
    return rest.post("/api/characters", Cards.v2("Keeper " + UUID.randomUUID()), token)
        .assertOk(201)
        .getJsonObject("character")
        .getString("id");
  }

  /** A request of any method with a JSON body (null: none) and a bearer token. */
  Rest.Response send(String method, String path, JsonObject body, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(Waits.TIMEOUT_S))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    try {
      HttpResponse<String> response =
          HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Rest.Response(response.statusCode(), response.headers(), response.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  long rows(String userId, String characterId) {
    return server.count(
        "SELECT COUNT(*) FROM companion_chat_messages WHERE user_id = ? AND character_id = ?",
        userId,
        characterId);
  }

  /** Token events until done (or error): the deltas, then the final event last. */
  static List<JsonObject> streamUntilEnd(Client client) {
    List<JsonObject> out = new ArrayList<>();
    while (true) {
      if (client.pending("companion:done") > 0) {
        while (client.pending("companion:token") > 0) {
          out.add(client.next("companion:token"));
        }
        out.add(client.next("companion:done").put("event", "done"));
        return out;
      }
      if (client.pending("companion:error") > 0) {
        out.add(client.next("companion:error").put("event", "error"));
        return out;
      }
      if (client.pending("companion:token") > 0) {
        out.add(client.next("companion:token"));
      } else {
        client.awaitAny("companion:token", "companion:done", "companion:error");
      }
    }
  }
}
