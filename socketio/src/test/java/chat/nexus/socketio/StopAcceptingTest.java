package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The first step of a graceful shutdown: new handshakes are refused with 503, open sessions carry
 * on.
 */
class StopAcceptingTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void newHandshakesGet503WhileOpenSessionsKeepPolling() throws Exception {
    try (TestServer server = TestServer.start(SocketIoOptions.builder().build(), io -> {})) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(TIMEOUT)
              .build();
      HttpResponse<String> open = get(http, server.url() + "/socket.io/?EIO=4&transport=polling");
      assertThat(open.statusCode()).isEqualTo(200);
      String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");

      server.io().engine().stopAccepting();

      HttpResponse<String> refused =
          get(http, server.url() + "/socket.io/?EIO=4&transport=polling");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(server.url() + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                  .timeout(TIMEOUT)
                  .POST(HttpRequest.BodyPublishers.ofString("40"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).as("the open session still works").isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
