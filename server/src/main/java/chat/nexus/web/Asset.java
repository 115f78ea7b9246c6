package chat.nexus.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One file of the web client as served: its bytes, compressed once ({@link Compression}) when that
 * makes them smaller, and a strong ETag per encoding (a strong validator names one exact
 * representation, so gzip and brotli bytes each have their own).
 *
 * @param contentType the Content-Type header
 * @param identity the file's bytes
 * @param gzip gzip bytes, when smaller
 * @param brotli brotli bytes, when smaller and brotli is available
 * @param tag the content's digest (hex), the base of the ETags and of the hashed file name
 */
public record Asset(
    String contentType,
    byte[] identity,
    Optional<byte[]> gzip,
    Optional<byte[]> brotli,
    String tag) {

  /** Hex characters of the SHA-256 in a hashed file name: 40 bits, one name per version. */
  static final int NAME_HASH_CHARS = 10;

  /** Hex characters of the SHA-256 in an ETag. */
  static final int TAG_CHARS = 32;

  private static final String TEXT = "; charset=utf-8";

  /** The types this client ships; anything else is served as bytes. */
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html" + TEXT,
          "js", "text/javascript" + TEXT,
          "mjs", "text/javascript" + TEXT,
          "css", "text/css" + TEXT,
          "svg", "image/svg+xml",
          "map", "application/json" + TEXT,
          "json", "application/json" + TEXT,
          "png", "image/png",
          "ico", "image/x-icon",
          "woff2", "font/woff2");

  /**
   * Assets already compressed in this JVM, by type and content: a process that starts several
   * servers (the tests) compresses each file once. Bounded: past it, assets are simply made again.
   */
  private static final Map<String, Asset> MADE = new ConcurrentHashMap<>();

  static final int MADE_LIMIT = 256;

  /** The asset for a file's bytes: typed by its extension, compressed when it is text. */
  static Asset of(String fileName, byte[] bytes) {
    String type = TYPES.getOrDefault(extension(fileName), "application/octet-stream");
    String tag = sha256(bytes);
    String key = type + " " + tag;
    Asset made = MADE.get(key);
    if (made != null) {
      return made;
    }
    Asset asset;
    if (compressible(type)) {
      Optional<byte[]> gzip =
          Optional.of(Compression.gzip(bytes)).filter(c -> c.length < bytes.length);
      Optional<byte[]> brotli = Compression.brotli(bytes).filter(c -> c.length < bytes.length);
      asset = new Asset(type, bytes, gzip, brotli, tag);
    } else {
      asset = new Asset(type, bytes, Optional.empty(), Optional.empty(), tag);
    }
    if (MADE.size() < MADE_LIMIT) {
      MADE.putIfAbsent(key, asset);
    }
    return asset;
  }

  /** The name this content is served under for good: {@code app.3f2a9c1b0d.js}. */
  static String hashedName(String path, String tag) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    String hash = tag.substring(0, NAME_HASH_CHARS);
    return dot > slash + 1
        ? path.substring(0, dot) + "." + hash + path.substring(dot)
        : path + "." + hash;
  }

  /** Whether this is a JavaScript file (the page's module graph, or a classic script). */
  boolean script() {
    return contentType.startsWith("text/javascript");
  }

  boolean compressed() {
    return gzip.isPresent() || brotli.isPresent();
  }

  /** The strong ETag of one encoding's bytes ("identity", "gzip" or "br"). */
  String etag(String encoding) {
    return switch (encoding) {
      case "gzip" -> "\"" + tag + "-gz\"";
      case "br" -> "\"" + tag + "-br\"";
      default -> "\"" + tag + "\"";
    };
  }

  static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean compressible(String type) {
    return type.startsWith("text/") || type.startsWith("application/json") || type.contains("svg");
  }

  static String sha256(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest).substring(0, TAG_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
