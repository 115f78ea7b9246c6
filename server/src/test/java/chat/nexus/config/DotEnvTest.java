package chat.nexus.config;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration is read from ./.env of the working directory, and the environment wins; Main
 * reports bad values.
 */
class DotEnvTest {

  @TempDir Path workDir;

  @Test
  void dotEnvIsReadAndTheEnvironmentWins() throws Exception {
    Files.writeString(
        workDir.resolve(".env"),
        String.join(
            "\n",
            "# a comment",
            "PORT=4321",
            "HOST=10.0.0.1",
            "JWT_SECRET=from-dotenv",
            "JSON_LIMIT=64kb",
            "DATA_DIR=./from-dotenv",
            ""));
    try (ChildProcess java =
        ChildProcess.java(
            workDir,
            Map.of("HOST", "127.0.0.1", "ALLOW_GUESTS", "false"),
            PrintConfig.class.getName())) {
      String line = Waits.get(java.line(l -> l.startsWith("{")), "the printed configuration");
      assertThat(java.waitFor(Waits.TIMEOUT_S)).as(java.output()).isZero();
      JsonObject config = new JsonObject(line);
      assertThat(config.getInteger("port")).isEqualTo(4321);
      assertThat(config.getString("host"))
          .as("the environment wins over .env")
          .isEqualTo("127.0.0.1");
      assertThat(config.getString("jwtSecret")).isEqualTo("from-dotenv");
      assertThat(config.getInteger("jsonLimitBytes")).isEqualTo(64 * 1024);
      assertThat(config.getString("dataDir")).isEqualTo("./from-dotenv");
      assertThat(config.getBoolean("allowGuests")).isFalse();
    }
  }

  @Test
  void withoutDotEnvTheDefaultsApply() {
    try (ChildProcess java = ChildProcess.java(workDir, Map.of(), PrintConfig.class.getName())) {
      String line = Waits.get(java.line(l -> l.startsWith("{")), "the printed configuration");
      assertThat(java.waitFor(Waits.TIMEOUT_S)).as(java.output()).isZero();
      assertThat(new JsonObject(line).getInteger("port")).isEqualTo(Config.DEFAULT_PORT);
    }
  }

  @Test
  void mainRefusesBadValuesWithOneLineEach() throws Exception {
    Files.writeString(workDir.resolve(".env"), "DB_POOL_SIZE=none\n");
    try (ChildProcess java = ChildProcess.java(workDir, Map.of("PORT", "abc"), "chat.nexus.Main")) {
      assertThat(java.waitFor(30)).as(java.output()).isEqualTo(2);
      assertThat(java.output().lines().map(String::trim))
          .contains(
              "PORT must be a port number, got 'abc'",
              "DB_POOL_SIZE must be a positive whole number, got 'none'");
    }
  }

  @Test
  void mainRefusesProductionWithoutSecret() {
    try (ChildProcess java =
        ChildProcess.java(
            workDir,
            Map.of("APP_ENV", "production", "CORS_ORIGINS", "https://x.example"),
            "chat.nexus.Main")) {
      assertThat(java.waitFor(30)).as(java.output()).isEqualTo(2);
      assertThat(java.output()).contains("JWT_SECRET is required in production");
    }
  }
}
