package chat.nexus.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real nginx with deploy/nginx.conf as deploy/nginx-config.sh prints it for these nodes,
 * listening on 127.0.0.1; started once {@code /health} answers through it. Needs the nginx program
 * (NEXUS_NGINX, or nginx on the PATH; .ci/run installs it).
 */
public final class Nginx implements AutoCloseable {

  /** deploy/ from the server module, where the tests run. */
  public static final Path DEPLOY = Path.of("..", "deploy");

  public static final Path CONFIG_SCRIPT = DEPLOY.resolve("nginx-config.sh");

  private final ChildProcess process;
  private final int port;
  private final Path config;

  private Nginx(ChildProcess process, int port, Path config) {
    this.process = process;
    this.port = port;
    this.config = config;
  }

  /**
   * nginx on a free port in front of {@code nodes} (HOST:PORT), with its prefix under
   * workDir/nginx.
   */
  public static Nginx start(Path workDir, List<String> nodes)
      throws IOException, InterruptedException {
    return start(workDir, freePort(), nodes);
  }

  public static Nginx start(Path workDir, int port, List<String> nodes)
      throws IOException, InterruptedException {
    Path prefix = Files.createDirectories(workDir.resolve("nginx"));
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("temp"));
    // Started as root, nginx's workers run as an unprivileged user: they write large request bodies
    // (PNG
    // cards) under temp/, so they must be able to walk there (a JUnit temp directory is private).
    for (Path dir : List.of(workDir, prefix, prefix.resolve("temp"))) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path config = prefix.resolve("nginx.conf");
    List<String> command =
        new ArrayList<>(
            List.of("bash", CONFIG_SCRIPT.toAbsolutePath().toString(), Integer.toString(port)));
    command.addAll(nodes);
    Process generate =
        new ProcessBuilder(command)
            .redirectOutput(config.toFile())
            .redirectErrorStream(false)
            .start();
    assertThat(generate.waitFor()).as("nginx-config.sh %s", nodes).isZero();
    String nginx = System.getenv().getOrDefault("NEXUS_NGINX", "nginx");
    ChildProcess process =
        ChildProcess.start(
            workDir,
            Map.of(),
            List.of(nginx, "-p", prefix.toString(), "-c", config.toString(), "-g", "daemon off;"));
    Nginx started = new Nginx(process, port, config);
    Rest rest = new Rest(started.url());
    try {
      Waits.until(
          () -> {
            try {
              return rest.get("/health").status() == 200 ? Boolean.TRUE : null;
            } catch (RuntimeException | AssertionError e) {
              return null; // not listening yet
            }
          },
          "nginx to answer (is nginx installed? .ci/run installs it)");
    } catch (AssertionError e) {
      process.close();
      throw new AssertionError(e.getMessage() + "\n" + process.output(), e);
    }
    return started;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The configuration nginx runs with. */
  public Path config() {
    return config;
  }

  /** Graceful stop: the master stops its workers. */
  public void stop() {
    process.terminate();
    process.waitFor(Waits.TIMEOUT_S);
  }

  @Override
  public void close() {
    process.close();
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
