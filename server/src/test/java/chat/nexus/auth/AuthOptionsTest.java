package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The auth settings from the environment: defaults, values, and one line per bad value. */
class AuthOptionsTest {

  @Test
  void defaults() {
    AuthOptions options = AuthOptions.fromEnv(Map.of());
    assertThat(options.leewaySeconds()).isEqualTo(30);
    assertThat(options.allowNoExp()).isFalse();
    assertThat(options.jwksUrl()).isEmpty();
    assertThat(options.loginRateMax()).isEqualTo(10);
    assertThat(options.loginRateWindowMs()).isEqualTo(60_000);
    assertThat(options.hashThreads()).isPositive();
    assertThat(options.hashQueue()).isEqualTo(32);
    assertThat(options.sessionCheckMs()).isEqualTo(60_000);
  }

  @Test
  void values() {
    AuthOptions options =
        AuthOptions.fromEnv(
            Map.of(
                "JWT_LEEWAY_SECONDS",
                "5",
                "JWT_ALLOW_NO_EXP",
                "true",
                "JWT_JWKS_URL",
                "https://p.supabase.co/auth/v1/.well-known/jwks.json",
                "JWT_ISSUER",
                "https://p.supabase.co/auth/v1",
                "JWT_AUDIENCE",
                "authenticated, other",
                "LOGIN_RATE_LIMIT_MAX",
                "20",
                "PASSWORD_HASH_THREADS",
                "3",
                "PASSWORD_HASH_QUEUE",
                "0"));
    assertThat(options.leewaySeconds()).isEqualTo(5);
    assertThat(options.allowNoExp()).isTrue();
    assertThat(options.jwksUrl())
        .contains(URI.create("https://p.supabase.co/auth/v1/.well-known/jwks.json"));
    assertThat(options.issuer()).isEqualTo(Optional.of("https://p.supabase.co/auth/v1"));
    assertThat(options.audience()).isEqualTo(List.of("authenticated", "other"));
    assertThat(options.loginRateMax()).isEqualTo(20);
    assertThat(options.hashThreads()).isEqualTo(3);
    assertThat(options.hashQueue()).isZero();
  }

  @Test
  void eachBadValueIsOneLine() {
    assertThatThrownBy(
            () ->
                AuthOptions.fromEnv(
                    Map.of(
                        "JWT_LEEWAY_SECONDS",
                        "-1",
                        "JWT_ALLOW_NO_EXP",
                        "maybe",
                        "JWT_JWKS_URL",
                        "ftp://keys",
                        "PASSWORD_HASH_THREADS",
                        "0")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "JWT_LEEWAY_SECONDS must be a whole number from 0 to 600, got '-1'",
                        "JWT_ALLOW_NO_EXP must be true or false, got 'maybe'",
                        "JWT_JWKS_URL must be an http(s) URL, got 'ftp://keys'",
                        "PASSWORD_HASH_THREADS must be a whole number from 1 to 256, got '0'"));
  }
}
