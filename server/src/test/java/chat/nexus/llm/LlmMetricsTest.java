package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LlmMetricsTest {

  @Test
  void theGatewayOverheadHasABucketAtTheTwoMillisecondTarget() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LlmMetrics metrics = new LlmMetrics(registry);
    metrics.gatewayOverhead(TimeUnit.MICROSECONDS.toNanos(1_900));
    metrics.gatewayOverhead(TimeUnit.MICROSECONDS.toNanos(2_100));
    String scrape = registry.scrape();
    assertThat(scrape)
        .containsPattern(
            "nexus_llm_gateway_overhead_seconds_bucket\\{le=\"0\\.002\"\\} 1(\\.0)?\\n");
    assertThat(scrape)
        .containsPattern(
            "nexus_llm_gateway_overhead_seconds_bucket\\{le=\"0\\.005\"\\} 2(\\.0)?\\n");
  }
}
