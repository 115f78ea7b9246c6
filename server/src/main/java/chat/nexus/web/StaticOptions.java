package chat.nexus.web;

import chat.nexus.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * Where browsers fetch the web client's files from. By default the chat server itself; with
 * STATIC_BASE_URL (for a CDN) every asset URL in the page, its import map and its preload hints
 * starts with that URL instead, and the page's Content-Security-Policy allows that origin.
 *
 * @param baseUrl STATIC_BASE_URL without a trailing slash: {@code https://cdn.example.com} or
 *     {@code https://cdn.example.com/chat}; empty to serve the files from the page's own origin
 */
public record StaticOptions(Optional<String> baseUrl) {

  public static final String VARIABLE = "STATIC_BASE_URL";

  public static StaticOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    String raw = s.raw(VARIABLE);
    Optional<String> base = Optional.empty();
    if (raw != null) {
      try {
        base = Optional.of(parse(raw));
      } catch (IllegalArgumentException e) {
        s.problem(VARIABLE + " " + e.getMessage());
      }
    }
    s.check();
    return new StaticOptions(base);
  }

  /** The files come from the chat server's own origin. */
  public static StaticOptions local() {
    return new StaticOptions(Optional.empty());
  }

  /**
   * The base URL checked: an absolute http(s) URL with a host, and no credentials, query or
   * fragment (asset paths are appended to it, so those would end up in the middle of each URL).
   */
  static String parse(String raw) {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("must be a URL like https://cdn.example.com");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("must start with https:// (or http://)");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("must name a host, without user or password");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must have no query (?) or fragment (#)");
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  /** The origin (scheme, host, port) of the base URL, for the Content-Security-Policy. */
  public Optional<String> origin() {
    return baseUrl.map(
        b -> {
          URI uri = URI.create(b);
          return uri.getScheme().toLowerCase()
              + "://"
              + uri.getHost().toLowerCase()
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        });
  }

  /** For the start-up line. */
  public String description() {
    return baseUrl.map(b -> "assets from " + b).orElse("assets from this server");
  }
}
