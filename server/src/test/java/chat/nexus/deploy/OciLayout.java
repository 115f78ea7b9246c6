package chat.nexus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * An OCI image layout unpacked from an image archive, read as a registry or an engine reads it: the
 * index names the manifest, the manifest the config and the layers, each a blob named by its
 * SHA-256 whose size the descriptor gives. Every read checks both.
 */
final class OciLayout {

  /** Unpacking an archive or a layer of a few hundred MB, or starting a program. */
  static final long COMMAND_TIMEOUT_S = 120;

  private final Path dir;

  private OciLayout(Path dir) {
    this.dir = dir;
  }

  static OciLayout extract(Path archive, Path dir) throws IOException {
    Files.createDirectories(dir);
    Result result = run(Map.of(), List.of("tar", "-xf", archive.toString(), "-C", dir.toString()));
    assertThat(result.exit()).as("tar -xf %s: %s", archive, result.output()).isZero();
    return new OciLayout(dir);
  }

  Path dir() {
    return dir;
  }

  JsonObject layoutFile() {
    return json(dir.resolve("oci-layout"));
  }

  JsonObject index() {
    return json(dir.resolve("index.json"));
  }

  /** The one image the index lists. */
  JsonObject manifestDescriptor() {
    JsonArray manifests = index().getJsonArray("manifests");
    assertThat(manifests).as("manifests in index.json").hasSize(1);
    return manifests.getJsonObject(0);
  }

  JsonObject manifest() {
    return json(blob(manifestDescriptor()));
  }

  JsonObject config() {
    return json(blob(manifest().getJsonObject("config")));
  }

  List<JsonObject> layers() {
    JsonArray layers = manifest().getJsonArray("layers");
    return layers.stream().map(JsonObject.class::cast).toList();
  }

  /** The blob a descriptor points at, after checking its size and digest. */
  Path blob(JsonObject descriptor) {
    String digest = descriptor.getString("digest");
    assertThat(digest).startsWith("sha256:");
    Path blob =
        dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    assertThat(blob).as("blob of %s", descriptor).isRegularFile();
    try {
      assertThat(Files.size(blob)).as("size of %s", digest).isEqualTo(descriptor.getLong("size"));
      try (InputStream in = Files.newInputStream(blob)) {
        assertThat(sha256(in)).as("digest of the blob %s", blob.getFileName()).isEqualTo(digest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return blob;
  }

  /** The digest of a gzipped layer's tar stream: what the config's rootfs.diff_ids list. */
  static String uncompressedDigest(Path gzippedLayer) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gzippedLayer), 1 << 16)) {
      return sha256(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "NAME=value" strings (an image config's Env) as a map that the caller may change. */
  static Map<String, String> environment(List<?> nameValues) {
    Map<String, String> map = new HashMap<>();
    for (Object pair : nameValues) {
      String text = (String) pair;
      int equals = text.indexOf('=');
      map.put(text.substring(0, equals), text.substring(equals + 1));
    }
    return map;
  }

  static JsonObject json(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A command's exit status and output (stdout and stderr together). */
  record Result(int exit, String output) {}

  /** Runs a command with only {@code env} (and PATH) to its end, at most COMMAND_TIMEOUT_S. */
  static Result run(Map<String, String> env, List<String> command) {
    try {
      Path output = Files.createTempFile("command", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      String path = builder.environment().get("PATH");
      builder.environment().clear();
      if (path != null) {
        builder.environment().put("PATH", path);
      }
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not end within " + COMMAND_TIMEOUT_S + " s");
      }
      String text = Files.readString(output).strip();
      Files.delete(output);
      return new Result(process.exitValue(), text);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}
