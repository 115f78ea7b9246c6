package chat.nexus.web;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** STATIC_BASE_URL: the page sends browsers to the CDN for every asset, and allows it. */
class StaticBaseUrlTest {

  private static final String CDN = "https://cdn.example.com/chat";

  @Test
  void everyAssetUrlStartsWithTheBaseUrl() throws Exception {
    try (TestServer server =
        TestServer.start(Backend.H2, Map.of(StaticOptions.VARIABLE, CDN + "/"))) {
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.url() + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      PageLinks links = PageLinks.of(page.body());
      assertThat(links.assetUrls())
          .hasSizeGreaterThan(10)
          .allSatisfy(url -> assertThat(url).startsWith(CDN + "/assets/"));
      assertThat(links.imports().fieldNames())
          .allSatisfy(url -> assertThat(url).startsWith(CDN + "/assets/"))
          .contains(CDN + "/assets/api.js");
      // Module scripts from another origin are fetched with CORS.
      assertThat(page.body())
          .containsPattern(
              "<script src=\""
                  + CDN
                  + "/assets/app\\.[0-9a-f]{10}\\.js\" type=\"module\" crossorigin>")
          .containsPattern("<link rel=\"modulepreload\" href=\"[^\"]+\" crossorigin>");
      assertThat(page.headers().firstValue("content-security-policy").orElse(""))
          .startsWith(
              "default-src 'self' https://cdn.example.com; script-src 'self' https://cdn.example.com 'sha256-")
          .contains("img-src 'self' data: https://cdn.example.com;", "connect-src 'self';");
      // The server still serves the assets itself: it is the CDN's origin.
      String app = links.imports().getString(CDN + "/assets/app.js");
      HttpResponse<String> module =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.url() + app.substring(CDN.length())))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(module.statusCode()).isEqualTo(200);
    }
  }
}
