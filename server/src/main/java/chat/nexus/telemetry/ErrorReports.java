package chat.nexus.telemetry;

import chat.nexus.config.SecretValues;
import io.sentry.Hint;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import io.vertx.core.Vertx;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unexpected failures (those a client sees as INTERNAL, and exceptions no thread or handler caught)
 * sent to Sentry when SENTRY_DSN is set, with the request id and the user id and nothing else about
 * the user: no name, email, address, token, password, cookie or header ({@link #scrub} runs on
 * every event before it leaves). Without SENTRY_DSN the SDK is never initialised and {@link
 * #capture} returns at its first branch.
 */
public final class ErrorReports {

  public static final String REQUEST_ID_TAG = "request_id";

  private static final Logger LOG = LoggerFactory.getLogger(ErrorReports.class);

  /** How long a stop waits for queued reports to be sent. */
  private static final long FLUSH_TIMEOUT_MS = 2_000;

  /** A JWT (three base64url parts, the first two JSON objects). */
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  /** password=..., token: ..., Bearer ... and the like in a message. */
  private static final Pattern SECRET_ASSIGNMENT =
      Pattern.compile(
          "(?i)(password|passwd|pwd|secret|token|api[_-]?key|authorization|cookie|bearer)"
              + "([\"']?\\s*[=:]?\\s*[\"']?)[^\\s&;,\"']+");

  private static volatile boolean on;
  private static volatile SecretValues secrets = SecretValues.none();

  private ErrorReports() {}

  /** Starts the SDK when a DSN is set, {@code release} as the release; returns whether it did. */
  public static synchronized boolean start(TelemetryOptions options, String release) {
    if (on || options.sentryDsn().isEmpty()) {
      return on;
    }
    Sentry.init(
        (SentryOptions sentry) -> {
          sentry.setDsn(options.sentryDsn().get());
          sentry.setEnvironment(options.environment());
          sentry.setRelease(release);
          sentry.setSampleRate(options.sentrySampleRate());
          sentry.setSendDefaultPii(false);
          sentry.setAttachStacktrace(true);
          sentry.setFlushTimeoutMillis(FLUSH_TIMEOUT_MS);
          sentry.setBeforeSend(ErrorReports::scrub);
          // Logs.catchUncaught reports them, and logs them in the log's format
          sentry.setEnableUncaughtExceptionHandler(false);
        });
    on = true;
    return true;
  }

  /**
   * The environment's secret values, blanked in every report: a secret may turn up in an
   * exception's message under no telling name.
   */
  public static void hide(SecretValues values) {
    secrets = values;
  }

  public static boolean on() {
    return on;
  }

  /**
   * Reports an unexpected failure; {@code where} says what failed ("GET /api/rooms/:id/messages",
   * "event history"); the ids may be null.
   */
  public static void capture(Throwable failure, String where, String requestId, String userId) {
    if (!on) {
      return;
    }
    SentryEvent event = new SentryEvent(failure);
    event.setLevel(SentryLevel.ERROR);
    event.setTransaction(where);
    if (requestId != null) {
      event.setTag(REQUEST_ID_TAG, requestId);
    }
    if (userId != null) {
      User user = new User();
      user.setId(userId);
      event.setUser(user);
    }
    Sentry.captureEvent(event);
  }

  /**
   * Reports what a handler on {@code vertx}'s threads threw and nothing caught (a timer's bug,
   * say), and logs it as Vert.x would have. Nothing changes when reports are off.
   */
  public static void watch(Vertx vertx) {
    if (on) {
      vertx.exceptionHandler(
          failure -> {
            capture(failure, "event loop", null, null);
            LOG.error("unhandled exception", failure);
          });
    }
  }

  /** Sends what is queued, then stops the SDK. */
  public static synchronized void stop() {
    if (on) {
      on = false;
      Sentry.close();
    }
  }

  /**
   * What leaves the process: the user reduced to its id, no request data or breadcrumbs, and
   * credentials cut out of every message.
   */
  static SentryEvent scrub(SentryEvent event, Hint hint) {
    User user = event.getUser();
    if (user != null) {
      User idOnly = new User();
      idOnly.setId(user.getId());
      event.setUser(idOnly);
    }
    event.setRequest(null);
    event.setBreadcrumbs(null);
    event.setExtras(null);
    Message message = event.getMessage();
    if (message != null) {
      message.setMessage(clean(message.getMessage()));
      message.setFormatted(clean(message.getFormatted()));
      message.setParams(null);
    }
    if (event.getExceptions() != null) {
      for (SentryException exception : event.getExceptions()) {
        exception.setValue(clean(exception.getValue()));
      }
    }
    return event;
  }

  static String clean(String text) {
    if (text == null) {
      return null;
    }
    String cleaned = secrets.blank(text, "(hidden)");
    cleaned = SecretValues.withoutUrlCredentials(cleaned);
    cleaned = JWT.matcher(cleaned).replaceAll("(token)");
    return SECRET_ASSIGNMENT.matcher(cleaned).replaceAll("$1$2(hidden)");
  }
}
