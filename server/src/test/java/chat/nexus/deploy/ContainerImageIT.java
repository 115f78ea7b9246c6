package chat.nexus.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chat.nexus.observability.BuildInfo;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.ServerProcess;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that deploy/image/build.sh writes at pre-integration-test: a valid OCI image
 * archive whose config keeps the deployment contract (user, paths, ports, health check), and that
 * runs as an engine would run it: umoci unpacks it into a runtime bundle, unshare gives the
 * bundle's process its own root, mount and PID namespaces (it is PID 1, as in a container) and the
 * image's user, then the node must answer its probes, pass its health check and stop on SIGTERM.
 */
class ContainerImageIT {

  private static final Path ARCHIVE = Path.of("target", "nexus-chat-image.tar");
  private static final Path JAR = Path.of("target", "nexus-chat.jar");
  private static final String JAR_IN_IMAGE = "/opt/nexus-chat/nexus-chat.jar";
  private static final String HOME = "/var/lib/nexus-chat";
  private static final int UID = 10001;
  private static final String USER = UID + ":" + UID;
  private static final long SECOND_NS = 1_000_000_000L;

  /** SIGTERM to exit: the drain of an idle node plus the JVM's shutdown on a loaded machine. */
  private static final long STOP_TIMEOUT_S = 60;

  private static Path dir;
  private static OciLayout image;
  private static Path bundle;

  @BeforeAll
  static void openArchive() throws IOException {
    assertThat(ARCHIVE).as("the archive deploy/image/build.sh writes").isRegularFile();
    dir = Files.createTempDirectory(Path.of("target"), "image-check").toAbsolutePath();
    image = OciLayout.extract(ARCHIVE, dir.resolve("layout"));
  }

  /** rm -rf: the image's files include links to absolute paths, which only make sense inside it. */
  @AfterAll
  static void removeUnpackedImage() {
    assertThat(OciLayout.run(Map.of(), List.of("rm", "-rf", dir.toString())).exit()).isZero();
  }

  @Test
  void everyBlobMatchesItsDigestAndSize() {
    assertThat(image.layoutFile().getString("imageLayoutVersion")).isEqualTo("1.0.0");
    JsonObject manifest = image.manifest();
    assertThat(manifest.getString("mediaType"))
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    JsonObject config = image.config();
    JsonArray diffIds = config.getJsonObject("rootfs").getJsonArray("diff_ids");
    List<JsonObject> layers = image.layers();
    assertThat(layers).as("the base, then the jar").hasSize(2).hasSameSizeAs(diffIds.getList());
    for (int i = 0; i < layers.size(); i++) {
      assertThat(layers.get(i).getString("mediaType"))
          .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
      assertThat(OciLayout.uncompressedDigest(image.blob(layers.get(i))))
          .as("diff_id of layer %d", i)
          .isEqualTo(diffIds.getString(i));
    }
    // docker load before version 25 reads manifest.json instead of the index
    JsonArray docker = new JsonArray(readString(image.dir().resolve("manifest.json")));
    String configDigest = manifest.getJsonObject("config").getString("digest");
    assertThat(docker.getJsonObject(0).getString("Config"))
        .isEqualTo("blobs/sha256/" + configDigest.substring("sha256:".length()));
  }

  @Test
  void isNamedNexusChatAndTaggedWithTheBuildVersion() {
    JsonObject annotations = image.manifestDescriptor().getJsonObject("annotations");
    assertThat(annotations.getString("org.opencontainers.image.ref.name"))
        .isEqualTo(BuildInfo.version());
    assertThat(annotations.getString("io.containerd.image.name"))
        .isEqualTo("docker.io/library/nexus-chat:" + BuildInfo.version());
    assertThat(
            image
                .config()
                .getJsonObject("config")
                .getJsonObject("Labels")
                .getString("org.opencontainers.image.version"))
        .isEqualTo(BuildInfo.version());
  }

  @Test
  void configKeepsTheDeploymentContract() {
    JsonObject config = image.config();
    assertThat(config.getString("os")).isEqualTo("linux");
    JsonObject run = config.getJsonObject("config");
    assertThat(run.getString("User")).isEqualTo(USER);
    assertThat(run.getString("WorkingDir")).isEqualTo(HOME);
    assertThat(run.getJsonArray("Env").getList())
        .contains("PORT=8000", "HOST=0.0.0.0", "METRICS_PORT=9464", "METRICS_HOST=0.0.0.0");
    List<Object> entrypoint = run.getJsonArray("Entrypoint").getList();
    assertThat(entrypoint).startsWith("java").endsWith("-jar", JAR_IN_IMAGE);
    assertThat(run.getJsonObject("ExposedPorts").fieldNames()).contains("8000/tcp", "9464/tcp");
    JsonObject health = run.getJsonObject("Healthcheck");
    assertThat(health.getJsonArray("Test").getList()).startsWith("CMD", "bash", "-c");
    // the JVM may take 20 s to start on a small CPU share, and a busy node a while to answer
    assertThat(health.getLong("StartPeriod")).isGreaterThanOrEqualTo(30 * SECOND_NS);
    assertThat(health.getLong("Timeout")).isGreaterThanOrEqualTo(5 * SECOND_NS);
    assertThat(health.getLong("Interval")).isGreaterThanOrEqualTo(health.getLong("Timeout"));
  }

  @Test
  void containerfileDescribesTheSameImage() {
    JsonObject run = image.config().getJsonObject("config");
    Containerfile file = Containerfile.read(Path.of("..", "deploy", "Containerfile"));
    assertThat(file.entrypoint()).isEqualTo(run.getJsonArray("Entrypoint"));
    assertThat(file.user()).isEqualTo(run.getString("User"));
    assertThat(file.workdir()).isEqualTo(run.getString("WorkingDir"));
    Map<String, String> env = OciLayout.environment(run.getJsonArray("Env").getList());
    file.env()
        .forEach((name, value) -> assertThat(env).as("ENV %s", name).containsEntry(name, value));
    assertThat(file.env()).containsKeys("PORT", "HOST", "METRICS_PORT", "METRICS_HOST");
    JsonObject health = run.getJsonObject("Healthcheck");
    JsonArray test = health.getJsonArray("Test");
    assertThat(file.healthCommand())
        .isEqualTo(new JsonArray(test.getList().subList(1, test.size())));
    assertThat(file.healthOptions())
        .containsEntry("interval", health.getLong("Interval") / SECOND_NS + "s")
        .containsEntry("timeout", health.getLong("Timeout") / SECOND_NS + "s")
        .containsEntry("start-period", health.getLong("StartPeriod") / SECOND_NS + "s")
        .containsEntry("retries", String.valueOf(health.getInteger("Retries")));
  }

  @Test
  void givesItsUserItsHomeAndNothingElse() throws IOException {
    Path rootfs = bundle().resolve("rootfs");
    assertThat(Files.mismatch(rootfs.resolve(JAR_IN_IMAGE.substring(1)), JAR))
        .as("the jar in the image is the one just built")
        .isEqualTo(-1L);
    assertThat(Files.getAttribute(rootfs.resolve(JAR_IN_IMAGE.substring(1)), "unix:uid"))
        .isEqualTo(0);
    assertThat(Files.readAllLines(rootfs.resolve("etc/passwd")))
        .contains("nexus:x:10001:10001:Nexus Chat:" + HOME + ":/usr/sbin/nologin");
    assertThat(Files.getAttribute(rootfs.resolve(HOME.substring(1)), "unix:uid")).isEqualTo(UID);
    JsonObject process = process();
    assertThat(process.getJsonObject("user").getInteger("uid")).isEqualTo(UID);
    assertThat(process.getJsonObject("user").getInteger("gid")).isEqualTo(UID);
    assertThat(process.getString("cwd")).isEqualTo(HOME);
  }

  @Test
  void trustsThePublicCertificateAuthorities() throws Exception {
    Path rootfs = bundle().resolve("rootfs");
    Path copy = rootfs.resolve("tmp/trust-check/chat/nexus/deploy/TrustedIssuers.class");
    Files.createDirectories(copy.getParent());
    Files.copy(Path.of(TrustedIssuers.class.getResource("TrustedIssuers.class").toURI()), copy);
    OciLayout.Result result =
        OciLayout.run(
            imageEnv(),
            inImage(List.of("java", "-cp", "/tmp/trust-check", TrustedIssuers.class.getName())));
    assertThat(result.exit()).as(result.output()).isZero();
    String[] lines = result.output().split("\n");
    // Debian's ca-certificates holds about 140
    assertThat(Integer.parseInt(lines[lines.length - 1].strip())).isGreaterThan(100);
  }

  @Test
  void runsAsItsUserPassesItsHealthCheckAndStopsOnSigterm() throws Exception {
    Map<String, String> env = imageEnv();
    env.putAll(
        Map.of(
            "PORT", "0",
            "HOST", "127.0.0.1",
            "METRICS_PORT", "0",
            "METRICS_HOST", "127.0.0.1",
            "DRAIN_GRACE_MS", "1000",
            "DRAIN_CLOSE_MS", "1000"));
    List<String> command = inImage(process().getJsonArray("args").getList());

    try (ChildProcess container = ChildProcess.start(dir, env, command);
        ServerProcess node = ServerProcess.whenListening(container)) {
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, node.url() + "/health")).isEqualTo(200);
      Waits.untilTrue(() -> get(http, node.url() + "/ready") == 200, "/ready to answer 200");

      // the JVM, not the unshare that started it (whose arguments name the jar too)
      ProcessHandle java =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().command().orElse("").endsWith("/bin/java"))
              .filter(
                  p ->
                      p.info()
                          .arguments()
                          .map(a -> List.of(a).contains(JAR_IN_IMAGE))
                          .orElse(false))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no java process runs " + JAR_IN_IMAGE));
      List<String> status =
          Files.readAllLines(Path.of("/proc", String.valueOf(java.pid()), "status"));
      assertThat(status)
          .as("the node's process: the image's user, no groups, PID 1 of its namespace")
          .contains("Uid:\t10001\t10001\t10001\t10001", "Gid:\t10001\t10001\t10001\t10001")
          .anyMatch(l -> l.matches("Groups:\\s*"))
          .anyMatch(l -> l.matches("NSpid:\\s+\\d+\\s+1"));

      String port = node.url().substring(node.url().lastIndexOf(':') + 1);
      assertThat(healthCheck(env, port).exit())
          .as("the image's health check while the node is ready")
          .isZero();

      java.destroy(); // SIGTERM, what `docker stop` and Kubernetes send
      int exit = container.waitFor(STOP_TIMEOUT_S);
      assertThat(exit).as("exit status after SIGTERM:\n%s", container.output()).isIn(0, 143);
      assertThat(healthCheck(env, port).exit())
          .as("the health check once the node has stopped")
          .isNotZero();
    }
    assertThat(bundle().resolve("rootfs").resolve(HOME.substring(1)).resolve("data"))
        .as("the embedded database, written as the image's user into its home")
        .isDirectory();
  }

  /** The image unpacked by umoci into a runtime bundle (rootfs/ and config.json), once. */
  private static Path bundle() throws IOException {
    assumeTrue(
        isRoot() && onPath("umoci") && onPath("unshare"),
        "running the image needs root, umoci and unshare (test.sh installs umoci)");
    if (bundle == null) {
      Path unpacked = dir.resolve("bundle");
      OciLayout.Result result =
          OciLayout.run(
              Map.of(),
              List.of(
                  "umoci",
                  "unpack",
                  "--image",
                  image.dir() + ":" + BuildInfo.version(),
                  unpacked.toString()));
      assertThat(result.exit()).as("umoci unpack: %s", result.output()).isZero();
      bundle = unpacked;
    }
    return bundle;
  }

  /** What an engine runs: the process of the runtime config that umoci derived from the image's. */
  private static JsonObject process() throws IOException {
    return OciLayout.json(bundle().resolve("config.json")).getJsonObject("process");
  }

  /** The image's environment (as the runtime config has it), in a map the caller may change. */
  private static Map<String, String> imageEnv() throws IOException {
    return OciLayout.environment(process().getJsonArray("env").getList());
  }

  /**
   * {@code args} run inside the image as an engine runs them: mount and PID namespaces of their own
   * (the first process is PID 1), the devices (/dev/urandom for the JVM), the image's root, working
   * directory and user without supplementary groups; the host's network, so that the test reaches
   * the node's ports.
   */
  private static List<String> inImage(List<?> args) throws IOException {
    Path rootfs = bundle().resolve("rootfs");
    JsonObject process = process();
    JsonObject user = process.getJsonObject("user");
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--mount-proc=" + rootfs.resolve("proc"),
                "sh",
                "-c",
                "root=$1 wd=$2 uid=$3 gid=$4; shift 4; mount --rbind /dev \"$root/dev\" && exec unshare"
                    + " --root=\"$root\" --wd=\"$wd\" --setuid=\"$uid\" --setgid=\"$gid\" -- \"$@\"",
                "container",
                rootfs.toString(),
                process.getString("cwd"),
                String.valueOf(user.getInteger("uid")),
                String.valueOf(user.getInteger("gid"))));
    args.forEach(arg -> command.add((String) arg));
    return command;
  }

  /** Runs the image's health-check command as an engine would: inside the image, as its user. */
  private static OciLayout.Result healthCheck(Map<String, String> env, String port)
      throws IOException {
    JsonArray test =
        image.config().getJsonObject("config").getJsonObject("Healthcheck").getJsonArray("Test");
    Map<String, String> withPort = new HashMap<>(env);
    withPort.put("PORT", port);
    return OciLayout.run(withPort, inImage(test.getList().subList(1, test.size())));
  }

  private static int get(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String folder : path.split(File.pathSeparator)) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
        return true;
      }
    }
    return false;
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
