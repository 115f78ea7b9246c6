package chat.nexus.telemetry;

import chat.nexus.config.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where errors and traces go, if anywhere: Sentry when SENTRY_DSN is set, OpenTelemetry traces over
 * OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Neither is
 * set by default, and then neither costs anything.
 *
 * @param sentryDsn SENTRY_DSN, or empty
 * @param sentrySampleRate SENTRY_SAMPLE_RATE: the share of errors sent (0 to 1, default 1)
 * @param environment SENTRY_ENVIRONMENT, default APP_ENV (development when unset)
 * @param otel every OTEL_* variable, for the OpenTelemetry SDK's own configuration
 */
public record TelemetryOptions(
    Optional<String> sentryDsn,
    double sentrySampleRate,
    String environment,
    Map<String, String> otel) {

  public static final double DEFAULT_SENTRY_SAMPLE_RATE = 1.0;
  public static final String DEFAULT_ENVIRONMENT = "development";

  static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  static final String OTLP_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

  /** Nothing reported, nothing traced. */
  public static TelemetryOptions off() {
    return new TelemetryOptions(
        Optional.empty(), DEFAULT_SENTRY_SAMPLE_RATE, DEFAULT_ENVIRONMENT, Map.of());
  }

  public static TelemetryOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    Optional<String> dsn = Optional.ofNullable(s.raw("SENTRY_DSN"));
    if (dsn.isPresent() && !dsn.get().matches("https?://[^@/\\s]+@[^/\\s]+/.+")) {
      s.problem("SENTRY_DSN must be a Sentry DSN, https://<key>@<host>/<project>"); // not the value
    }
    double rate = ratio(s, "SENTRY_SAMPLE_RATE", DEFAULT_SENTRY_SAMPLE_RATE);
    ratio(s, "OTEL_TRACES_SAMPLER_ARG", 1.0);
    String environment =
        s.string("SENTRY_ENVIRONMENT", s.string("APP_ENV", s.string("NODE_ENV", "development")));
    Map<String, String> otel = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
            otel.put(name, value.trim());
          }
        });
    s.check();
    return new TelemetryOptions(dsn, rate, environment.toLowerCase(java.util.Locale.ROOT), otel);
  }

  private static double ratio(Settings s, String name, double fallback) {
    String value = s.raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      double ratio = Double.parseDouble(value);
      if (ratio >= 0 && ratio <= 1) {
        return ratio;
      }
    } catch (NumberFormatException e) {
      // the problem line below
    }
    s.problem(name + " must be a number from 0 to 1, got '" + value + "'");
    return fallback;
  }

  /** Whether errors go to Sentry. */
  public boolean reportsErrors() {
    return sentryDsn.isPresent();
  }

  /** Whether spans are exported (an OTLP endpoint is set and the SDK is not disabled). */
  public boolean traces() {
    return (otel.containsKey(OTLP_ENDPOINT) || otel.containsKey(OTLP_TRACES_ENDPOINT))
        && !"true".equalsIgnoreCase(otel.get("OTEL_SDK_DISABLED"))
        && !"none".equalsIgnoreCase(otel.get("OTEL_TRACES_EXPORTER"));
  }
}
