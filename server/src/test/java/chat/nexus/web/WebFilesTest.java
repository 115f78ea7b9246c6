package chat.nexus.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashed names, the page that names them, Accept-Encoding and STATIC_BASE_URL, without a server.
 */
class WebFilesTest {

  private static final String TEMPLATE =
      "<html><head><link rel=\"stylesheet\" href=\"app.css\">"
          + "<script src=\"vendor/lib.js\" defer></script>"
          + "<script src=\"app.js\" type=\"module\"></script></head><body></body></html>";

  private static Map<String, byte[]> files(String apiSource) {
    return Map.of(
        "index.html", bytes(TEMPLATE),
        "app.css", bytes("body { color: black }"),
        "app.js", bytes("import { api } from \"./api.js\";\napi();\n"),
        "api.js", bytes(apiSource),
        "vendor/lib.js", bytes("window.lib = 1;"));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aChangedFileChangesOnlyItsOwnName() {
    WebFiles before = WebFiles.of(files("export function api() {}"), StaticOptions.local());
    WebFiles same = WebFiles.of(files("export function api() {}"), StaticOptions.local());
    WebFiles after =
        WebFiles.of(files("export function api() { return 1; }"), StaticOptions.local());

    assertThat(same.hashedNames()).isEqualTo(before.hashedNames());
    assertThat(after.hashedNames().get("api.js")).isNotEqualTo(before.hashedNames().get("api.js"));
    assertThat(after.hashedNames().get("app.js")).isEqualTo(before.hashedNames().get("app.js"));
    assertThat(after.hashedNames().get("app.css")).isEqualTo(before.hashedNames().get("app.css"));
    assertThat(page(after)).isNotEqualTo(page(before));
    assertThat(after.find(WebFiles.ASSETS + before.hashedNames().get("api.js"))).isEmpty();
  }

  @Test
  void theHashGoesBeforeTheExtension() {
    assertThat(Asset.hashedName("vendor/socket.io.min.js", "0123456789abcdef"))
        .isEqualTo("vendor/socket.io.min.0123456789.js");
    assertThat(Asset.hashedName("LICENSE", "0123456789abcdef")).isEqualTo("LICENSE.0123456789");
    assertThat(Asset.hashedName("v1.2/README", "0123456789abcdef"))
        .isEqualTo("v1.2/README.0123456789");
  }

  @Test
  void thePageNamesHashedFilesAndMapsEachModule() {
    WebFiles files = WebFiles.of(files("export function api() {}"), StaticOptions.local());
    Map<String, String> names = files.hashedNames();
    String html = page(files);
    PageLinks links = PageLinks.of(html);
    assertThat(links.references())
        .contains(
            "/assets/" + names.get("app.css"),
            "/assets/" + names.get("vendor/lib.js"),
            "/assets/" + names.get("app.js"));
    assertThat(links.imports().getMap())
        .isEqualTo(
            Map.of(
                "/assets/api.js", "/assets/" + names.get("api.js"),
                "/assets/app.js", "/assets/" + names.get("app.js")));
    assertThat(html)
        .contains("<link rel=\"modulepreload\" href=\"/assets/" + names.get("api.js") + "\">")
        .doesNotContain("crossorigin");
    assertThat(html.indexOf("importmap")).isLessThan(html.indexOf("modulepreload"));
    assertThat(html.indexOf("modulepreload")).isLessThan(html.indexOf("type=\"module\""));
    assertThat(files.contentSecurityPolicy()).doesNotContain("example");
  }

  @Test
  void theBrowsersPreferredEncodingWins() {
    Asset asset = Asset.of("app.js", bytes("const x = 1;\n".repeat(200)));
    assertThat(ContentCoding.choose("gzip, deflate, br, zstd", asset)).isEqualTo("br");
    assertThat(ContentCoding.choose("gzip, br;q=0", asset)).isEqualTo("gzip");
    assertThat(ContentCoding.choose("gzip;q=1, br;q=0.5", asset)).isEqualTo("gzip");
    assertThat(ContentCoding.choose("*", asset)).isEqualTo("br");
    assertThat(ContentCoding.choose("identity", asset)).isEqualTo("identity");
    assertThat(ContentCoding.choose(null, asset)).isEqualTo("identity");
    assertThat(ContentCoding.choose("gzip;q=0, br;q=0", asset)).isEqualTo("identity");
    Asset png = Asset.of("a.png", new byte[100]);
    assertThat(ContentCoding.choose("gzip, br", png)).isEqualTo("identity");
  }

  @Test
  void theBaseUrlMustBeAPlainHttpUrl() {
    assertThat(StaticOptions.fromEnv(Map.of()).baseUrl()).isEmpty();
    StaticOptions cdn =
        StaticOptions.fromEnv(Map.of("STATIC_BASE_URL", "https://CDN.example.com:8443/x/"));
    assertThat(cdn.baseUrl()).contains("https://CDN.example.com:8443/x");
    assertThat(cdn.origin()).contains("https://cdn.example.com:8443");
    for (String bad :
        new String[] {
          "cdn.example.com",
          "ftp://cdn.example.com",
          "https://cdn.example.com/?v=1",
          "https://cdn.example.com/#x",
          "https://user:pw@cdn.example.com",
          "https:///path",
          "https://cdn example.com"
        }) {
      assertThatThrownBy(() -> StaticOptions.fromEnv(Map.of("STATIC_BASE_URL", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("STATIC_BASE_URL");
    }
  }

  @Test
  void aBaseUrlPrefixesEveryAssetAndEntersThePolicy() {
    WebFiles files =
        WebFiles.of(
            files("export function api() {}"),
            new StaticOptions(Optional.of("https://cdn.example.com")));
    String html = page(files);
    assertThat(PageLinks.of(html).assetUrls())
        .allSatisfy(u -> assertThat(u).startsWith("https://cdn.example.com/assets/"));
    assertThat(html).contains("type=\"module\" crossorigin>");
    assertThat(files.contentSecurityPolicy())
        .startsWith(
            "default-src 'self' https://cdn.example.com; script-src 'self' https://cdn.example.com 'sha256-");
  }

  @Test
  void anExportWritesEachHashedFileOnce(@TempDir Path dir) throws Exception {
    WebFiles files = WebFiles.of(files("export function api() {}"), StaticOptions.local());
    String api = files.hashedNames().get("api.js");
    assertThat(AssetExport.write(files, dir)).isGreaterThanOrEqualTo(files.hashedNames().size());
    assertThat(Files.readString(dir.resolve("assets/" + api)))
        .isEqualTo("export function api() {}");
    assertThat(dir.resolve("assets/" + files.hashedNames().get("vendor/lib.js"))).exists();
    assertThat(AssetExport.write(files, dir)).isZero();

    WebFiles next =
        WebFiles.of(files("export function api() { return 2; }"), StaticOptions.local());
    assertThat(AssetExport.write(next, dir)).isPositive();
    assertThat(dir.resolve("assets/" + api)).exists(); // the previous build's name stays
  }

  private static String page(WebFiles files) {
    return new String(files.find("/").orElseThrow().asset().identity(), StandardCharsets.UTF_8);
  }
}
