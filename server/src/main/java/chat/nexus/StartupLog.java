package chat.nexus;

import chat.nexus.config.ConfigException;
import chat.nexus.config.ConfigReport;
import chat.nexus.observability.Logs;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server says while it starts, readable by machine in production: JSON lines from the very
 * first one when APP_ENV is production or LOG_FORMAT is json (decided from the raw variables, so
 * that even a refused configuration is JSON), then the whole configuration in one line, and a
 * failure to start as one event with the exception in fields rather than a raw stack trace.
 */
final class StartupLog {

  private static final Logger LOG = LoggerFactory.getLogger(StartupLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean json;

  private StartupLog(boolean json) {
    this.json = json;
  }

  /** Chooses the log format before anything logs, and logs what no thread catches. */
  static StartupLog prepare(Map<String, String> env) {
    boolean json = jsonLogs(env);
    Logs.routeJavaUtilLogging();
    if (json) {
      Logs.useJson();
    }
    Logs.catchUncaught();
    return new StartupLog(json);
  }

  /** As Config reads LOG_FORMAT: json or text, json by default in production. */
  static boolean jsonLogs(Map<String, String> env) {
    String format = trimmed(env.get("LOG_FORMAT"));
    if (format.equals("json") || format.equals("text")) {
      return format.equals("json");
    }
    String appEnv = trimmed(env.get("APP_ENV"));
    return (appEnv.isEmpty() ? trimmed(env.get("NODE_ENV")) : appEnv).equals("production");
  }

  private static String trimmed(String value) {
    return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
  }

  /** Every setting read, in one line (a {@code config} object), without a secret. */
  void configuration(ServerConfig settings, Map<String, String> env) {
    Map<String, Object> config = ConfigReport.of(settings, env);
    String message = "configuration";
    if (!json) {
      try {
        message += " " + JSON.writeValueAsString(config);
      } catch (JsonProcessingException e) {
        message += " (not printable: " + e.getOriginalMessage() + ")";
      }
    }
    LOG.atInfo().setMessage(message).addKeyValue("config", config).log();
  }

  /** Bad settings: one line each in text, one event with the list of them in JSON. */
  void refused(ConfigException e) {
    if (json) {
      LOG.atError()
          .setMessage("Nexus Chat cannot start; fix the configuration")
          .addKeyValue("problems", e.problems())
          .log();
    } else {
      System.err.println("Nexus Chat cannot start; fix the configuration:");
      e.problems().forEach(problem -> System.err.println("  " + problem));
    }
  }

  /**
   * A failure the operator can act on from its message alone (the database cannot be reached): one
   * line in text, the exception in fields in JSON.
   */
  void cannotStart(Exception e) {
    if (json) {
      LOG.error("Nexus Chat cannot start: {}", e.getMessage(), e);
    } else {
      System.err.println("Nexus Chat cannot start: " + e.getMessage());
    }
  }

  /** Anything else that stopped the start (a port taken): with its stack trace. */
  void failed(Exception e) {
    LOG.error("Nexus Chat cannot start: {}", e.getMessage(), e);
  }
}
