package chat.nexus.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration line's walk: every setting shown, no secret in it under any name. */
class ConfigReportTest {

  record Inner(String url, Optional<String> password, long firstTokenTimeoutMs) {}

  record Outer(
      Inner inner, List<String> apiKeys, String note, boolean secretGenerated, Object nothing) {}

  @Test
  void secretsShowOnlyWhetherTheyAreSetAndUrlsLoseTheirCredentials() {
    Outer settings =
        new Outer(
            new Inner(
                "jdbc:postgresql://db:5432/chat?user=app&password=hunter22-secret",
                Optional.of("admin-password-value"),
                30_000),
            List.of("sk-one-key-value", "sk-two-key-value"),
            "copied from JWT_SECRET: jwt-secret-value-0123456789 and redis://u:redis-pass@r:6379",
            true,
            new Object());
    Map<String, Object> report =
        ConfigReport.of(settings, Map.of("JWT_SECRET", "jwt-secret-value-0123456789"));
    @SuppressWarnings("unchecked")
    Map<String, Object> inner = (Map<String, Object>) report.get("inner");
    assertThat(inner.get("url"))
        .isEqualTo("jdbc:postgresql://db:5432/chat?user=app&password=(hidden)");
    assertThat(inner.get("password")).isEqualTo("(set)");
    assertThat(inner.get("firstTokenTimeoutMs")).isEqualTo(30_000L);
    assertThat(report.get("apiKeys")).isEqualTo("2 (set)");
    assertThat(report.get("secretGenerated")).isEqualTo(true);
    assertThat(report.get("nothing")).as("an object with no settings to show").isNull();
    String all = report.toString();
    assertThat(all)
        .doesNotContain("hunter22")
        .doesNotContain("admin-password-value")
        .doesNotContain("sk-one-key-value")
        .doesNotContain("jwt-secret-value")
        .doesNotContain("redis-pass")
        .contains("redis://r:6379");
  }

  record Database(String url) {}

  @Test
  void aPasswordWithSlashOrAtSignLeavesNothingOfItself() {
    // the URL parser takes the credentials up to the last '@' before the parameters
    for (String url :
        List.of(
            "postgres://app:pass/word-1@db1:5432,db2:5432/chat",
            "postgres://app:p@ss-word-1@db1:5432/chat",
            "redis://:pass/word-1@r:6379/0")) {
      String shown = ConfigReport.of(new Database(url), Map.of()).toString();
      assertThat(shown).doesNotContain("word-1").doesNotContain("pass").doesNotContain("p@ss");
    }
  }
}
