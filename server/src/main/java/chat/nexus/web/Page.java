package chat.nexus.web;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page (index.html) with every asset reference pointing at its hashed URL: src and href of its
 * script and link tags, plus, before the first of those, the import map that sends each module's
 * plain URL to its hashed one and a modulepreload hint per module (the browser fetches the whole
 * graph at once instead of one import level per round trip). Its Content-Security-Policy allows the
 * inline import map by its digest, and the asset origin when it is not the page's own.
 *
 * @param html the page's text
 * @param contentSecurityPolicy the header that goes with it
 */
record Page(String html, String contentSecurityPolicy) {

  private static final Pattern TAG = Pattern.compile("<(script|link)\\b[^>]*>");
  private static final Pattern REFERENCE = Pattern.compile("\\b(src|href)=\"([^\"]*)\"");
  private static final Pattern MODULE = Pattern.compile("\\btype=\"module\"");

  /**
   * @param template index.html as written
   * @param hashed each file's path under the web root (app.js, vendor/socket.io.min.js) to its
   *     hashed name (app.3f2a9c1b0d.js)
   * @param modules the paths of the ES modules among them
   * @param options where the assets are fetched from
   */
  static Page render(
      String template, Map<String, String> hashed, Set<String> modules, StaticOptions options) {
    String base = options.baseUrl().orElse("") + WebFiles.ASSETS;
    boolean crossOrigin = options.baseUrl().isPresent();

    JsonObject imports = new JsonObject();
    StringBuilder preloads = new StringBuilder();
    hashed.forEach(
        (path, name) -> {
          if (modules.contains(path)) {
            imports.put(base + path, base + name);
            preloads
                .append("<link rel=\"modulepreload\" href=\"")
                .append(base)
                .append(name)
                .append('"')
                .append(crossOrigin ? " crossorigin" : "")
                .append(">\n  ");
          }
        });
    String importMap = new JsonObject().put("imports", imports).encode();

    StringBuilder html = new StringBuilder();
    Matcher tags = TAG.matcher(template);
    int from = 0;
    boolean first = true;
    while (tags.find()) {
      html.append(template, from, tags.start());
      if (first) {
        html.append("<script type=\"importmap\">")
            .append(importMap)
            .append("</script>\n  ")
            .append(preloads);
        first = false;
      }
      html.append(rewrite(tags.group(), hashed, base, crossOrigin));
      from = tags.end();
    }
    html.append(template, from, template.length());
    return new Page(html.toString(), policy(options.origin(), importMap));
  }

  /** One script or link tag with its src or href on the hashed URL, when it names a file. */
  private static String rewrite(
      String tag, Map<String, String> hashed, String base, boolean crossOrigin) {
    Matcher reference = REFERENCE.matcher(tag);
    if (!reference.find()) {
      return tag;
    }
    String path = reference.group(2).replaceFirst("^(\\./|/)", "");
    String name = hashed.get(path);
    if (name == null) {
      return tag;
    }
    String out =
        tag.substring(0, reference.start(2)) + base + name + tag.substring(reference.end(2));
    // A module from another origin is fetched with CORS: the attribute says so explicitly, and
    // matches the modulepreload hints so the browser reuses what they fetched.
    if (crossOrigin && MODULE.matcher(tag).find() && !tag.contains("crossorigin")) {
      out = out.substring(0, out.length() - 1) + " crossorigin>";
    }
    return out;
  }

  /**
   * The page loads only its own files (or the asset origin's) and talks only to its own origin
   * (REST and the socket); the one inline script is the import map, allowed by its digest.
   */
  static String policy(Optional<String> assetOrigin, String importMap) {
    String assets = assetOrigin.map(o -> " " + o).orElse("");
    return "default-src 'self'"
        + assets
        + "; script-src 'self'"
        + assets
        + " 'sha256-"
        + sha256Base64(importMap)
        + "'; img-src 'self' data:"
        + assets
        + "; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  }

  private static String sha256Base64(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }
}
