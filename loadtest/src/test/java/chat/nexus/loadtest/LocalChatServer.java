package chat.nexus.loadtest;

import chat.nexus.ChatServer;
import chat.nexus.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real chat server for the load tool's tests: 127.0.0.1, port 0, H2 in a temp directory, the
 * simulated LLM provider at a fast pace, a known JWT secret. {@link #close()} stops it and deletes
 * its data.
 */
final class LocalChatServer implements AutoCloseable {
  static final String SECRET = "loadtest-test-secret-that-is-long-enough-0123456789";
  private final Path dataDir;
  private final ChatServer server;

  LocalChatServer() throws Exception {
    dataDir = Files.createTempDirectory("nexus-loadtest-server-");
    Map<String, String> env =
        Map.of(
            "PORT",
            "0",
            "HOST",
            "127.0.0.1",
            "JWT_SECRET",
            SECRET,
            "DATA_DIR",
            dataDir.toString(),
            "EVENT_LOOPS",
            "2",
            "DB_POOL_SIZE",
            "4",
            "LLM_SIMULATED_TOKEN_MS",
            "5");
    try {
      server = ChatServer.start(ServerConfig.from(env));
    } catch (Exception e) {
      delete();
      throw e;
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      delete();
    }
  }

  private void delete() throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
