package chat.nexus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every part of the configuration is read at once, and every bad value is one line. */
class ServerConfigTest {

  private static List<String> problems(Map<String, String> env) {
    try {
      ServerConfig.from(env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException for " + env);
  }

  @Test
  void defaultsStart() {
    ServerConfig config = ServerConfig.from(Map.of());
    assertThat(config.core().port()).isEqualTo(8000);
    assertThat(config.cluster()).isEmpty();
    assertThat(config.addresses().isTrusted("127.0.0.1")).isFalse();
  }

  @Test
  void trustedProxiesAreChecked() {
    assertThat(problems(Map.of("TRUST_PROXY", "proxy.example.com")))
        .singleElement()
        .asString()
        .contains("TRUST_PROXY");
    assertThat(ServerConfig.from(Map.of("TRUST_PROXY", "loopback")).addresses().isTrusted("::1"))
        .isTrue();
  }

  @Test
  void badValuesOfEveryPartAreListedTogether() {
    assertThat(
            problems(
                Map.of(
                    "PORT", "abc",
                    "JWT_LEEWAY_SECONDS", "-1",
                    "DB_QUEUE_LIMIT", "0",
                    "METRICS_PORT", "x")))
        .hasSize(4)
        .anySatisfy(line -> assertThat(line).startsWith("PORT"))
        .anySatisfy(line -> assertThat(line).startsWith("JWT_LEEWAY_SECONDS"))
        .anySatisfy(line -> assertThat(line).startsWith("DB_QUEUE_LIMIT"))
        .anySatisfy(line -> assertThat(line).startsWith("METRICS_PORT"));
    assertThat(
            problems(
                Map.of(
                    "LLM_MAX_RETRIES", "many",
                    "HTTP_IDLE_TIMEOUT_MS", "0",
                    "TRUST_PROXY", "10.0.0.0/99",
                    "REDIS_URL", "redis://127.0.0.1:6379",
                    "REDIS_ADAPTER_SHARDED", "maybe")))
        .hasSize(4);
  }

  @Test
  void theMessageIsTheLines() {
    assertThatThrownBy(() -> ServerConfig.from(Map.of("PORT", "abc", "DB_QUEUE_LIMIT", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PORT must be a port number, got 'abc'\nDB_QUEUE_LIMIT");
  }
}
