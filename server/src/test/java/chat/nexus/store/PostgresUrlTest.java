package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The PostgreSQL URL forms of DATABASE_URL and DATABASE_READ_URL, with one host or several. */
class PostgresUrlTest {

  @Test
  void postgresUrlWithCredentials() {
    PostgresUrl url =
        PostgresUrl.parse("postgres://chat:p%40ss/w@db.internal/chat?sslmode=require");
    assertThat(url.hosts()).containsExactly("db.internal:5432");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/chat?sslmode=require");
    assertThat(url.user()).contains("chat");
    assertThat(url.password()).contains("p@ss/w");
    assertThat(url).hasToString("PostgreSQL db.internal:5432/chat");
  }

  @Test
  void severalHostsAndTheJdbcForm() {
    PostgresUrl url = PostgresUrl.parse("postgresql://u@h1:5441,h2:5442,[::1]/chat");
    assertThat(url.hosts()).containsExactly("h1:5441", "h2:5442", "[::1]:5432");
    assertThat(url.password()).isEmpty();
    PostgresUrl jdbc =
        PostgresUrl.parse("jdbc:postgresql://r1:5432,r2/chat?user=chat&password=secret");
    assertThat(jdbc.hosts()).containsExactly("r1:5432", "r2:5432");
    assertThat(jdbc.user()).isEqualTo(Optional.empty());
    assertThat(jdbc.onHost("r2:5432").jdbcUrl())
        .isEqualTo("jdbc:postgresql://r2:5432/chat?user=chat&password=secret");
    assertThat(jdbc.toString()).doesNotContain("secret");
  }

  @Test
  void severalHostsFollowThePrimaryUnlessTheUrlSaysOtherwise() {
    assertThat(Database.primaryUrl(PostgresUrl.parse("postgres://h1:5441/chat")).jdbcUrl())
        .isEqualTo("jdbc:postgresql://h1:5441/chat");
    assertThat(Database.primaryUrl(PostgresUrl.parse("postgres://h1:5441,h2:5442/chat")).jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://h1:5441,h2:5442/chat?targetServerType=primary&hostRecheckSeconds=1");
    assertThat(
            Database.primaryUrl(
                    PostgresUrl.parse(
                        "jdbc:postgresql://h1,h2/chat?TargetServerType=preferPrimary&user=u"))
                .jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://h1:5432,h2:5432/chat?TargetServerType=preferPrimary&user=u&hostRecheckSeconds=1");
  }

  @Test
  void badUrlsSayWhatIsWrongWithoutTheirSecrets() {
    for (String bad :
        List.of(
            "postgres://chat7:hunter2@h1:5441,,h2/chat",
            "postgres://chat7:hunter2@h1:port/chat",
            "jdbc:postgresql://chat7:hunter2@h1/chat",
            "mysql://chat7:hunter2@h1/chat",
            "postgres://chat7:hunter2%zz@h1/chat",
            "postgres://chat7:hunter2%@h1/chat",
            "postgres://chat7%zzhunter2:p@h1/chat")) {
      assertThatThrownBy(() -> PostgresUrl.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .doesNotContain("hunter2")
          .doesNotContain("hunter")
          .doesNotContain("zz")
          .doesNotContain("chat7");
    }
  }
}
