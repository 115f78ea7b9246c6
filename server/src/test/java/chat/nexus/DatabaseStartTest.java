package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.PostgresProcess;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerProcess;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process started while its database is away: it waits, trying again with backoff for
 * DB_START_TIMEOUT_MS, and says so in one line that names DATABASE_URL and where it points (never
 * the password); a database that comes up meanwhile is used; one that does not ends the process
 * with a non-zero status and one line.
 */
class DatabaseStartTest {

  private static final String PASSWORD = "s3cret-Passw0rd";
  private static final long EXIT_TIMEOUT_S = 90;

  @TempDir Path dataDir;

  @TempDir Path workDir;

  @Test
  void anUnreachableDatabaseIsOneLineNamingDatabaseUrlAfterTheRetries() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // closed again: connections to it are refused
    }
    long timeoutMs = 3_000;
    Map<String, String> env =
        ServerProcess.env(
            dataDir,
            Map.of(
                "DATABASE_URL",
                "postgres://nexus:" + PASSWORD + "@127.0.0.1:" + port + "/nexusdb",
                "DB_START_TIMEOUT_MS",
                Long.toString(timeoutMs)));
    long started = System.nanoTime();
    try (ChildProcess server = ChildProcess.java(workDir, env, "chat.nexus.Main")) {
      int exit = server.waitFor(EXIT_TIMEOUT_S);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      String output = server.output();
      System.out.println(
          "---- output ----\n" + output + "\n---- exit " + exit + " after " + tookMs + " ms");
      assertThat(exit).as("exit status").isEqualTo(Main.EXIT_DATABASE_UNREACHABLE);
      assertThat(output)
          .as("no password, no stack trace")
          .doesNotContain(PASSWORD)
          .doesNotContain("\tat ")
          .doesNotContain("Exception");
      List<String> lines =
          output
              .lines()
              .filter(l -> !l.isBlank() && !l.contains("StartupLog - configuration "))
              .toList();
      String where = "DATABASE_URL (PostgreSQL 127.0.0.1:" + port + "/nexusdb)";
      assertThat(lines.get(lines.size() - 1))
          .as("the last line")
          .startsWith("Nexus Chat cannot start: " + where)
          .contains("DB_START_TIMEOUT_MS")
          .contains("refused");
      assertThat(lines).as("one line when it starts waiting, one when it gives up").hasSize(2);
      assertThat(lines.get(0)).contains(where).contains("trying again");
      assertThat(tookMs)
          .as("it kept trying for DB_START_TIMEOUT_MS")
          .isGreaterThanOrEqualTo(timeoutMs);
    }
  }

  @Test
  void aDatabaseThatComesUpWhileTheServerWaitsIsUsed() {
    try (PostgresProcess pg = PostgresProcess.create()) {
      Map<String, String> env = ServerProcess.env(dataDir, Map.of("DATABASE_URL", pg.jdbcUrl()));
      try (ChildProcess server = ChildProcess.java(workDir, env, "chat.nexus.Main")) {
        String waiting =
            Waits.get(
                server.line(l -> l.contains("cannot be reached")),
                ServerProcess.START_TIMEOUT_S,
                "the server to wait");
        assertThat(waiting)
            .contains("DATABASE_URL (PostgreSQL 127.0.0.1:" + pg.port() + "/postgres)");
        pg.start();
        Rest rest = ServerProcess.whenListening(server).rest();
        rest.post("/api/auth/guest", new JsonObject().put("name", "Patient")).assertOk(201);
        assertThat(rest.get("/ready").status()).isEqualTo(200);
        assertThat(server.output()).doesNotContain("\tat ");
      }
    }
  }
}
