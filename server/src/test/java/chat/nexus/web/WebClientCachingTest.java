package chat.nexus.web;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ServerCases;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The web client's files over HTTP as a browser or a CDN sees them: a page that is revalidated by
 * ETag, assets under hashed names kept for a year, each in brotli, gzip or plain by
 * Accept-Encoding.
 */
class WebClientCachingTest extends ServerCases {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private PageLinks page() throws Exception {
    return PageLinks.of(new String(get("/").body(), StandardCharsets.UTF_8));
  }

  @Test
  void thePageIsRevalidatedByAStrongEtag() throws Exception {
    HttpResponse<byte[]> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("cache-control")).contains("no-cache");
    String etag = page.headers().firstValue("etag").orElseThrow();
    assertThat(etag).startsWith("\"").endsWith("\"");

    HttpResponse<byte[]> again = get("/", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("etag")).contains(etag);
    assertThat(again.headers().firstValue("cache-control")).contains("no-cache");

    HttpResponse<byte[]> gzip = get("/index.html", "Accept-Encoding", "gzip");
    assertThat(gzip.headers().firstValue("content-encoding")).contains("gzip");
    String gzipTag = gzip.headers().firstValue("etag").orElseThrow();
    assertThat(gzipTag).isNotEqualTo(etag);
    assertThat(get("/", "If-None-Match", "\"other\", " + gzipTag).statusCode()).isEqualTo(304);
    assertThat(get("/", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @Test
  void everyAssetThePageNamesIsKeptForAYear() throws Exception {
    PageLinks links = page();
    assertThat(links.references())
        .anyMatch(r -> r.matches("/assets/app\\.[0-9a-f]{10}\\.js"))
        .anyMatch(r -> r.matches("/assets/app\\.[0-9a-f]{10}\\.css"))
        .anyMatch(r -> r.matches("/assets/favicon\\.[0-9a-f]{10}\\.svg"))
        .anyMatch(r -> r.matches("/assets/vendor/socket\\.io\\.min\\.[0-9a-f]{10}\\.js"));
    assertThat(links.imports().fieldNames())
        .contains("/assets/api.js", "/assets/connection.js", "/assets/views.js");
    for (String url : links.assetUrls()) {
      HttpResponse<byte[]> asset = get(url);
      assertThat(asset.statusCode()).as(url).isEqualTo(200);
      assertThat(asset.headers().firstValue("cache-control")).as(url).contains(WebFiles.IMMUTABLE);
      assertThat(asset.headers().firstValue("access-control-allow-origin")).as(url).contains("*");
      assertThat(asset.headers().firstValue("x-content-type-options")).contains("nosniff");
      String type = asset.headers().firstValue("content-type").orElse("");
      String expected =
          url.endsWith(".js")
              ? "text/javascript"
              : url.endsWith(".css") ? "text/css" : url.endsWith(".svg") ? "image/svg+xml" : "?";
      assertThat(type).as(url).startsWith(expected);
    }
    // What each module's plain import resolves to before the import map is there too.
    for (String plain : links.imports().fieldNames()) {
      HttpResponse<byte[]> module = get(plain);
      assertThat(module.statusCode()).as(plain).isEqualTo(200);
      assertThat(module.headers().firstValue("cache-control")).contains(WebFiles.REVALIDATE);
    }
  }

  @Test
  void theImportMapIsAllowedByItsDigest() throws Exception {
    PageLinks links = page();
    String digest =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(links.importMapText().getBytes(StandardCharsets.UTF_8)));
    assertThat(get("/").headers().firstValue("content-security-policy").orElse(""))
        .contains("script-src 'self' 'sha256-" + digest + "'");
  }

  @Test
  void brotliAndGzipDecompressToTheSameBytes() throws Exception {
    Compression.brotliAvailable(); // loads the native library the decoder needs
    PageLinks links = page();
    for (String url : links.assetUrls()) {
      byte[] plain = get(url, "Accept-Encoding", "identity").body();
      HttpResponse<byte[]> gzip = get(url, "Accept-Encoding", "gzip");
      HttpResponse<byte[]> br = get(url, "Accept-Encoding", "gzip, deflate, br");
      if (plain.length < 1000) {
        continue; // the favicon: compressed too, but tiny
      }
      assertThat(gzip.headers().firstValue("content-encoding")).as(url).contains("gzip");
      assertThat(br.headers().firstValue("content-encoding")).as(url).contains("br");
      assertThat(gzip.headers().firstValue("vary").orElse(""))
          .containsIgnoringCase("accept-encoding");
      assertThat(br.body().length).as(url).isLessThan(gzip.body().length);
      assertThat(gunzip(gzip.body())).as(url).isEqualTo(plain);
      assertThat(unbrotli(br.body())).as(url).isEqualTo(plain);
    }
  }

  @Test
  void headAnswersWithTheLengthAndNoBody() throws Exception {
    String url = page().imports().getString("/assets/app.js");
    int length = get(url, "Accept-Encoding", "br").body().length;
    HttpResponse<byte[]> head =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + url))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept-Encoding", "br")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("content-length")).contains(Integer.toString(length));
  }

  @Test
  void anotherBuildsHashedNameIsAMissNobodyKeeps() throws Exception {
    HttpResponse<byte[]> miss = get("/assets/app.0123456789.js");
    assertThat(miss.statusCode()).isEqualTo(404);
    assertThat(miss.headers().firstValue("cache-control")).contains("no-store");
    assertThat(get("/api/nope").statusCode()).isEqualTo(404);
  }

  private static byte[] gunzip(byte[] data) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }

  private static byte[] unbrotli(byte[] data) throws Exception {
    DirectDecompress result = Decoder.decompress(data);
    assertThat(result.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
    return result.getDecompressedData();
  }
}
