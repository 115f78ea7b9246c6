package chat.nexus.observability;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What build this node runs: the project version that Maven wrote into {@code
 * chat/nexus/build.properties}, or {@code "dev"} when run from sources without it.
 */
public final class BuildInfo {

  private static final String RESOURCE = "/chat/nexus/build.properties";
  private static final String UNKNOWN = "dev";
  private static final String VERSION = read();

  private BuildInfo() {}

  /** The version this node was built as, such as {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", UNKNOWN);
      return version.isBlank() || version.startsWith("${") ? UNKNOWN : version;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
