package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import chat.nexus.testing.LogCapture;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Refusals that are the client's doing are answered in the error shape and cost no log line: a
 * foreign Origin in production (403 FORBIDDEN, counted by the rate limit), a client that closes
 * mid-body.
 */
class QuietRefusalsTest extends ServerCases {

  private static final int RATE_LIMIT = 3;
  private static final String FOREIGN = "https://evil.example";

  /** How long the client holds its half-sent body before it closes the connection. */
  private static final long MID_BODY_MS = 300;

  /** How long the test waits, after the close, for a log line that must not come. */
  private static final long QUIET_WINDOW_MS = 500;

  @Override
  protected Map<String, String> env() {
    return Map.of(
        "APP_ENV", "production",
        "LOG_FORMAT", "text",
        "CORS_ORIGINS", "https://chat.example",
        "RATE_LIMIT_MAX", String.valueOf(RATE_LIMIT),
        "RATE_LIMIT_WINDOW_MS", "60000");
  }

  @Test
  void aForeignOriginIsForbiddenWithoutALogLineAndCountedByTheRateLimit() {
    try (LogCapture log = LogCapture.atLeast(Level.WARN)) {
      for (int i = 0; i < RATE_LIMIT; i++) {
        Rest.Response refused =
            server.rest().getWithHeaders("/api/characters", Map.of("Origin", FOREIGN));
        refused.assertError(403, "FORBIDDEN");
        assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
      }
      Rest.Response limited =
          server.rest().getWithHeaders("/api/characters", Map.of("Origin", FOREIGN));
      limited.assertError(429, "RATE_LIMITED");
      assertThat(limited.header("Retry-After")).isNotNull();
      assertThat(log.lines()).as("nothing logged at WARN or above").isEmpty();
    }
  }

  @Test
  void aClientThatClosesMidBodyCostsNoLogLine() throws Exception {
    try (LogCapture log = LogCapture.atLeast(Level.WARN)) {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10000\r\n\r\n{\"username\":\"half")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(MID_BODY_MS); // the point: the server is reading the body when it goes
      }
      // the point: a log line about the close, if the server wrote one, would be there by now
      Thread.sleep(QUIET_WINDOW_MS);
      assertThat(server.rest().get("/health").status()).isEqualTo(200);
      assertThat(log.lines()).as("nothing logged at WARN or above").isEmpty();
    }
  }
}
