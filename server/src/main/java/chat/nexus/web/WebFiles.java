package chat.nexus.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The web client's files, read from {@code webroot/} on the class path, each under a name that
 * changes with its content ({@code /assets/app.3f2a9c1b0d.js}) so browsers and CDNs may keep it for
 * a year, and the page that names them.
 *
 * <p>The ES modules import each other with relative specifiers ({@code ./api.js}), and some import
 * each other in a cycle (connection.js and companions.js). Rather than rewriting those specifiers
 * (hashes over rewritten content form a Merkle tree, which a cycle has no order for, and one
 * changed leaf renames every module above it), the page carries an import map from each module's
 * plain URL ({@code /assets/api.js}, where {@code ./api.js} resolves from any module under
 * /assets/) to its hashed URL. The modules ship as written; a change in one renames only that one;
 * every current browser supports import maps. One without them still works, more slowly: it asks
 * for the plain URLs, which are served too, revalidated on each use.
 *
 * <p>This is done once at start, in memory, not by a build step: the page has to be written at
 * start anyway (STATIC_BASE_URL is read then), the files are small (about 115 KB: brotli at its
 * densest takes about 0.2 s of CPU for all of them, gzip a few ms), and the server runs the same
 * way from the jar, from an IDE or in a test, with no second build output to keep in step. The
 * names depend only on the bytes, so every node of one build names the same files the same.
 *
 * <p>A request for a hashed name that this build does not have (the previous build's, during a
 * rolling deploy) gets a 404 that nothing may store; see the README's CDN section.
 */
public final class WebFiles {

  /** The directory on the class path. */
  static final String WEBROOT = "webroot";

  /** The URL prefix of every asset, hashed or not: one path for a CDN to cache. */
  public static final String ASSETS = "/assets/";

  static final String PAGE = "index.html";

  /** A hashed name never changes content: keep it a year, never revalidate. */
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** The page and the plain names change with each build: revalidate each time (a cheap 304). */
  public static final String REVALIDATE = "no-cache";

  /**
   * What a path serves.
   *
   * @param asset the bytes
   * @param immutable whether the path names this content for good (a hashed name)
   * @param page whether this is the page (which carries the Content-Security-Policy)
   */
  public record Served(Asset asset, boolean immutable, boolean page) {}

  private final Map<String, Served> paths;
  private final Map<String, String> hashed;
  private final String contentSecurityPolicy;

  private WebFiles(
      Map<String, Served> paths, Map<String, String> hashed, String contentSecurityPolicy) {
    this.paths = paths;
    this.hashed = hashed;
    this.contentSecurityPolicy = contentSecurityPolicy;
  }

  /** Reads the web root from the class path (a directory, or the jar). */
  public static WebFiles load(StaticOptions options) throws IOException {
    return of(readWebroot(), options);
  }

  /**
   * The files served for these (path under the web root to bytes; index.html among them).
   *
   * <p>Paths served: {@code /} and {@code /index.html} (the page); {@code /assets/<hashed name>};
   * {@code /assets/<path>} (what an import resolves to before the import map, and a source map's
   * plain reference); {@code /<path>} (the URLs of builds before hashed names).
   */
  static WebFiles of(Map<String, byte[]> files, StaticOptions options) {
    byte[] template = files.get(PAGE);
    if (template == null) {
      throw new IllegalStateException("the web root has no " + PAGE);
    }
    Map<String, Served> paths = new HashMap<>();
    Map<String, String> hashed = new TreeMap<>();
    Set<String> modules = new LinkedHashSet<>();
    new TreeMap<>(files)
        .forEach(
            (path, bytes) -> {
              if (path.equals(PAGE)) {
                return;
              }
              Asset asset = Asset.of(path, bytes);
              String name = Asset.hashedName(path, asset.tag());
              hashed.put(path, name);
              if (asset.script() && !path.startsWith("vendor/")) {
                modules.add(path);
              }
              paths.put(ASSETS + name, new Served(asset, true, false));
              paths.put(ASSETS + path, new Served(asset, false, false));
              paths.put("/" + path, new Served(asset, false, false));
            });
    Page page = Page.render(new String(template, StandardCharsets.UTF_8), hashed, modules, options);
    Served html = new Served(Asset.of(PAGE, Asset.utf8(page.html())), false, true);
    paths.put("/", html);
    paths.put("/" + PAGE, html);
    return new WebFiles(
        Map.copyOf(paths), Collections.unmodifiableMap(hashed), page.contentSecurityPolicy());
  }

  /** What this URL path serves, if anything. */
  public Optional<Served> find(String path) {
    return Optional.ofNullable(paths.get(path));
  }

  /** Each file's path under the web root (app.js) to its hashed name (app.3f2a9c1b0d.js). */
  public Map<String, String> hashedNames() {
    return hashed;
  }

  /** The page's Content-Security-Policy. */
  public String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  /** Every file under the web root, by its path there ("vendor/socket.io.min.js"). */
  static Map<String, byte[]> readWebroot() throws IOException {
    URL page = WebFiles.class.getClassLoader().getResource(WEBROOT + "/" + PAGE);
    if (page == null) {
      throw new IOException(WEBROOT + "/" + PAGE + " is not on the class path");
    }
    URI uri;
    try {
      uri = page.toURI();
    } catch (URISyntaxException e) {
      throw new IOException("cannot read the web root at " + page, e);
    }
    if (!"jar".equals(uri.getScheme())) {
      return readTree(Path.of(uri).getParent());
    }
    try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
      return readTree(jar.provider().getPath(uri).getParent());
    } catch (FileSystemAlreadyExistsException e) {
      return readTree(FileSystems.getFileSystem(uri).provider().getPath(uri).getParent());
    }
  }

  private static Map<String, byte[]> readTree(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String path = root.relativize(file).toString().replace('\\', '/');
        if (!path.startsWith(".") && !path.contains("/.")) {
          files.put(path, Files.readAllBytes(file));
        }
      }
    }
    return files;
  }
}
