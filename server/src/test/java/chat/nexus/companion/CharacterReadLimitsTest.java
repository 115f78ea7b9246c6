package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Anonymous reads of the public character routes (the list and avatars) count against the api
 * budget of the client's address, as with rate limits on (production's default): a flood from one
 * address is answered RATE_LIMITED, while signed-in users keep their own budgets.
 */
class CharacterReadLimitsTest extends ServerCases {

  private static final int BUDGET = 6;

  @Override
  protected Backend backend() {
    return Backend.H2;
  }

  @Override
  protected Map<String, String> env() {
    return Map.of(
        "RATE_LIMIT_ENABLED",
        "true",
        "RATE_LIMIT_MAX",
        String.valueOf(BUDGET),
        "RATE_LIMIT_WINDOW_MS",
        "60000");
  }

  @Test
  void anonymousListAndAvatarReadsAreCountedPerAddress() throws Exception {
    String token = server.guest("reader").getString("token"); // one anonymous call
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/api/characters?visibility=public"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "image/png")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        Cards.png(
                            "chara", Cards.base64(Cards.v2("Pictured " + UUID.randomUUID())))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id =
        new io.vertx.core.json.JsonObject(created.body())
            .getJsonObject("character")
            .getString("id");

    int allowed = 0;
    Rest.Response refused = null;
    for (int i = 0; i < BUDGET + 2 && refused == null; i++) {
      Rest.Response response =
          i % 2 == 0 ? rest.get("/api/characters") : rest.get("/api/characters/" + id + "/avatar");
      if (response.status() == 429) {
        refused = response;
      } else {
        assertThat(response.status()).isEqualTo(200);
        allowed++;
      }
    }
    assertThat(allowed)
        .as("the guest sign-in took one of the address's calls")
        .isEqualTo(BUDGET - 1);
    assertThat(refused).isNotNull();
    refused.assertError(429, "RATE_LIMITED");
    assertThat(refused.header("Retry-After")).isNotNull();
    rest.get("/api/characters", token).assertOk(200);
  }
}
