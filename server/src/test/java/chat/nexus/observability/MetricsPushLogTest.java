package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import chat.nexus.testing.LogCapture;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A failing MONITORING_URL push is logged without the URL's path or query, which may be a key. */
class MetricsPushLogTest {

  @Test
  void aPushThatTimesOutLogsNeitherTheUrlsPathNorItsQuery() {
    Vertx vertx = Vertx.vertx();
    Metrics metrics = new Metrics();
    try (LogCapture log = LogCapture.atLeast(Level.WARN)) {
      // Reads each push and never answers: the push times out.
      HttpServer silent =
          vertx.createHttpServer().requestHandler(request -> {}).listen(0, "127.0.0.1").await();
      String url =
          "http://127.0.0.1:"
              + silent.actualPort()
              + "/hooks/path-secret-4f1a?api_key=query-secret-9c2e";
      MetricsReporter reporter =
          new MetricsReporter(vertx, metrics, "run", Optional.empty(), 0, Optional.of(url), 200);
      List<String> failed =
          Waits.until(
              () -> {
                List<String> lines =
                    log.lines().stream().filter(l -> l.contains("MONITORING_URL failed")).toList();
                return lines.isEmpty() ? null : lines;
              },
              "the failed push's log line");
      reporter.close();
      assertThat(failed).allSatisfy(line -> assertThat(line).doesNotContain("secret"));
    } finally {
      metrics.close();
      vertx.close().await();
    }
  }

  @Test
  void aFailureReasonKeepsTheHostAndHidesThePathAndQuery() {
    String url = "https://hooks.example.com/services/T0/path-secret?key=query-secret";
    String reason =
        MetricsReporter.reason(
            new IllegalStateException(
                "POST /services/T0/path-secret?key=query-secret for server hooks.example.com:443;"
                    + " key=query-secret at /services/T0/path-secret"),
            url);
    assertThat(reason).doesNotContain("secret").contains("hooks.example.com:443");
    assertThat(MetricsReporter.reason(new IllegalStateException("HTTP 503"), url))
        .isEqualTo("HTTP 503");
  }
}
