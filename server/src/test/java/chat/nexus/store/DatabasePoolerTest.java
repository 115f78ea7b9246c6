package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DATABASE_POOLER: its values, Supabase's transaction pooler recognised by its port, and the JDBC
 * URL a transaction-mode pooler gets.
 */
class DatabasePoolerTest {

  static final String DIRECT = "postgres://app:secret@db.example.com:5432/chat";
  static final String SUPABASE_TRANSACTION =
      "postgres://postgres.abcd:secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";
  static final String SUPABASE_SESSION =
      "postgres://postgres.abcd:secret@aws-0-eu-central-1.pooler.supabase.com:5432/postgres";

  static DatabasePooler pooler(Map<String, String> env) {
    return DatabaseOptions.fromEnv(env).pooler();
  }

  @Test
  void noneUnlessSaidOrSupabasesTransactionPort() {
    assertThat(pooler(Map.of())).isEqualTo(DatabasePooler.NONE);
    assertThat(pooler(Map.of("DATABASE_URL", DIRECT))).isEqualTo(DatabasePooler.NONE);
    assertThat(pooler(Map.of("DATABASE_URL", SUPABASE_SESSION))).isEqualTo(DatabasePooler.NONE);
    assertThat(pooler(Map.of("DATABASE_URL", SUPABASE_TRANSACTION)))
        .isEqualTo(DatabasePooler.TRANSACTION);
    assertThat(
            pooler(
                Map.of(
                    "DATABASE_URL",
                    "jdbc:postgresql://aws-0-eu-central-1.pooler.supabase.com:6543/postgres?user=u")))
        .isEqualTo(DatabasePooler.TRANSACTION);
    assertThat(pooler(Map.of("DATABASE_URL", SUPABASE_TRANSACTION, "DATABASE_POOLER", "none")))
        .isEqualTo(DatabasePooler.NONE);
    assertThat(pooler(Map.of("DATABASE_URL", DIRECT, "DATABASE_POOLER", " Transaction ")))
        .isEqualTo(DatabasePooler.TRANSACTION);
  }

  @Test
  void badValuesAreOneLineEach() {
    assertThatThrownBy(() -> pooler(Map.of("DATABASE_URL", DIRECT, "DATABASE_POOLER", "session")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly("DATABASE_POOLER must be none or transaction, got 'session'"));
    assertThatThrownBy(() -> pooler(Map.of("DATABASE_POOLER", "transaction")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "DATABASE_POOLER=transaction needs a PostgreSQL DATABASE_URL"));
  }

  @Test
  void aMissingOrDuplicateNamedStatementPointsAtTheSetting() {
    assertThat(
            DatabaseHealth.reason(
                new SQLException(
                    "ERROR: bind message supplies 2 parameters, but prepared statement \"S_1\" requires 0",
                    "08P01")))
        .isEqualTo(
            "ERROR: bind message supplies 2 parameters, but prepared statement \"S_1\" requires 0"
                + " (is DATABASE_URL a transaction-mode pooler? set DATABASE_POOLER=transaction)");
    assertThat(DatabaseHealth.reason(new SQLException("ERROR: relation \"x\" does not exist")))
        .isEqualTo("ERROR: relation \"x\" does not exist");
  }

  @Test
  void aTransactionPoolerGetsNoNamedServerSideStatements() {
    assertThat(DatabasePooler.TRANSACTION.jdbcUrl("jdbc:postgresql://h:6543/db"))
        .isEqualTo("jdbc:postgresql://h:6543/db?prepareThreshold=0");
    assertThat(DatabasePooler.TRANSACTION.jdbcUrl("jdbc:postgresql://h:6543/db?sslmode=require"))
        .isEqualTo("jdbc:postgresql://h:6543/db?sslmode=require&prepareThreshold=0");
    // a pooler that keeps prepared statements itself (PgBouncer 1.21+) may be given more
    assertThat(DatabasePooler.TRANSACTION.jdbcUrl("jdbc:postgresql://h:6432/db?prepareThreshold=5"))
        .isEqualTo("jdbc:postgresql://h:6432/db?prepareThreshold=5");
    assertThat(DatabasePooler.NONE.jdbcUrl("jdbc:postgresql://h:5432/db"))
        .isEqualTo("jdbc:postgresql://h:5432/db");
  }
}
