package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.config.Config;
import chat.nexus.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmOptionsTest {

  @Test
  void takesConfigAndTheGatewaysOwnVariables() {
    Config config =
        Config.from(
            Map.of(
                "LLM_API_KEYS",
                "k1,k2",
                "LLM_MAX_CONCURRENT",
                "7",
                "LLM_BASE_URL",
                "http://x/v1/"));
    LlmOptions options =
        LlmOptions.from(config)
            .withEnv(
                Map.of(
                    "LLM_CACHE_TTL_MS", "5000", "LLM_MAX_PER_USER", "3", "LLM_TIMEOUT_MS", "9000"));
    assertThat(options.apiKeys()).containsExactly("k1", "k2");
    assertThat(options.maxConcurrent()).isEqualTo(7);
    assertThat(options.baseUrl()).isEqualTo("http://x/v1");
    assertThat(options.cacheTtlMs()).isEqualTo(5000);
    assertThat(options.maxPerUser()).isEqualTo(3);
    assertThat(options.totalTimeoutMs()).isEqualTo(9000);
    assertThat(options.queueTimeoutMs()).isEqualTo(LlmOptions.DEFAULT_QUEUE_TIMEOUT_MS);
    assertThat(options.preconnect()).isZero();
    assertThat(options.withEnv(Map.of("LLM_PRECONNECT", "5")).preconnect()).isEqualTo(5);
    assertThat(options.withEnv(Map.of("LLM_PRECONNECT", "500")).preconnect())
        .as("never more than LLM_MAX_CONCURRENT")
        .isEqualTo(7);
    assertThat(options.toString()).doesNotContain("k1").doesNotContain("k2");
  }

  @Test
  void refusesBadValues() {
    assertThatThrownBy(
            () ->
                new LlmOptions()
                    .withEnv(
                        Map.of(
                            "LLM_MAX_PER_USER",
                            "0",
                            "LLM_TIMEOUT_MS",
                            "soon",
                            "LLM_PRECONNECT",
                            "-1")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3));
  }
}
