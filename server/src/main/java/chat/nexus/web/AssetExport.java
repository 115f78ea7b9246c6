package chat.nexus.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes this build's hashed assets into a directory, for a CDN that serves from storage rather
 * than pulling from the chat nodes: {@code <dir>/assets/<hashed name>}, with a {@code .br} and a
 * {@code .gz} beside each text file. Names are content-addressed, so files already there are left
 * alone and nothing is deleted: synced into the same bucket build after build, every build's names
 * stay available to pages still open from earlier ones.
 */
public final class AssetExport {

  private AssetExport() {}

  /** The number of files written (those already present are not counted). */
  public static int write(WebFiles files, Path dir) throws IOException {
    int written = 0;
    for (Map.Entry<String, String> entry : files.hashedNames().entrySet()) {
      String url = WebFiles.ASSETS + entry.getValue();
      Asset asset = files.find(url).orElseThrow().asset();
      Path file = dir.resolve(url.substring(1));
      written += writeNew(file, asset.identity());
      if (asset.brotli().isPresent()) {
        written += writeNew(sibling(file, ".br"), asset.brotli().get());
      }
      if (asset.gzip().isPresent()) {
        written += writeNew(sibling(file, ".gz"), asset.gzip().get());
      }
    }
    return written;
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static int writeNew(Path file, byte[] bytes) throws IOException {
    if (Files.exists(file)) {
      return 0;
    }
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return 1;
  }
}
