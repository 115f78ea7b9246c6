package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DB_START_TIMEOUT_MS, DB_QUEUE_LIMIT, MESSAGE_RETENTION_DAYS, DATABASE_READ_URL and
 * DATABASE_READ_MAX_LAG_MS: defaults, values, and one line per bad value, without credentials.
 */
class DatabaseOptionsTest {

  @Test
  void defaults() {
    DatabaseOptions options = DatabaseOptions.fromEnv(Map.of());
    assertThat(options.startTimeoutMs())
        .isEqualTo(DatabaseOptions.DEFAULT_START_TIMEOUT_MS)
        .isEqualTo(60_000);
    assertThat(options.queueLimit())
        .isEqualTo(DatabaseOptions.DEFAULT_QUEUE_LIMIT)
        .isEqualTo(10_000);
    assertThat(options.messageRetentionDays()).isEqualTo(DatabaseOptions.KEEP_MESSAGES).isZero();
  }

  @Test
  void values() {
    DatabaseOptions options =
        DatabaseOptions.fromEnv(
            Map.of(
                "DB_START_TIMEOUT_MS",
                " 0 ",
                "DB_QUEUE_LIMIT",
                "5",
                "MESSAGE_RETENTION_DAYS",
                "90"));
    assertThat(options.startTimeoutMs()).isZero();
    assertThat(options.queueLimit()).isEqualTo(5);
    assertThat(options.messageRetentionDays()).isEqualTo(90);
  }

  @Test
  void badValuesAreOneLineEach() {
    assertThatThrownBy(
            () ->
                DatabaseOptions.fromEnv(
                    Map.of(
                        "DB_START_TIMEOUT_MS",
                        "soon",
                        "DB_QUEUE_LIMIT",
                        "0",
                        "MESSAGE_RETENTION_DAYS",
                        "a year")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "DB_START_TIMEOUT_MS must be a whole number from 0 to 2147483647, got 'soon'",
                        "DB_QUEUE_LIMIT must be a whole number from 1 to 2147483647, got '0'",
                        "MESSAGE_RETENTION_DAYS must be a whole number from 0 to 36500, got 'a year'"));
  }

  @Test
  void readReplicas() {
    DatabaseOptions none = DatabaseOptions.fromEnv(Map.of());
    assertThat(none.readUrl()).isEmpty();
    assertThat(none.readMaxLagMs()).isEqualTo(DatabaseOptions.DEFAULT_READ_MAX_LAG_MS);
    DatabaseOptions options =
        DatabaseOptions.fromEnv(
            Map.of(
                "DATABASE_URL", "postgres://chat:secret@p1:5432,p2:5432/chat",
                "DATABASE_READ_URL", "postgres://chat:secret@r1,r2/chat",
                "DATABASE_READ_MAX_LAG_MS", "250"));
    assertThat(options.readUrl()).contains("postgres://chat:secret@r1,r2/chat");
    assertThat(options.readMaxLagMs()).isEqualTo(250);
  }

  @Test
  void badReadReplicaSettingsAreOneLineEachWithoutSecrets() {
    assertThatThrownBy(
            () ->
                DatabaseOptions.fromEnv(
                    Map.of("DATABASE_READ_URL", "postgres://chat:secret@r1/chat")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "DATABASE_READ_URL needs a PostgreSQL DATABASE_URL (the primary)"));
    assertThatThrownBy(
            () ->
                DatabaseOptions.fromEnv(
                    Map.of(
                        "DATABASE_URL", "postgres://chat:secret@p1:x/chat",
                        "DATABASE_READ_URL", "redis://chat:secret@r1",
                        "DATABASE_READ_MAX_LAG_MS", "-1")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "DATABASE_READ_MAX_LAG_MS must be a whole number from 0 to 600000, got '-1'",
                        "DATABASE_URL must name its hosts as host[:port][,host[:port]...] before the database",
                        "DATABASE_READ_URL must be a postgres:// or jdbc:postgresql:// URL")
                    .noneMatch(line -> line.contains("secret")));
  }

  @Test
  void aBadEscapeInThePasswordIsReportedWithoutAnyOfIt() {
    assertThatThrownBy(
            () -> DatabaseOptions.fromEnv(Map.of("DATABASE_URL", "postgres://u:ab%zzsecret@h/db")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly("DATABASE_URL has a bad %-escape in its user or password")
                    .noneMatch(line -> line.contains("zz") || line.contains("secret")));
  }
}
