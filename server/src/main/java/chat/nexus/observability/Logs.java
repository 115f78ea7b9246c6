package chat.nexus.observability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import chat.nexus.telemetry.ErrorReports;
import java.util.Iterator;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Log format and per-request context. In production (LOG_FORMAT=json) the console appender writes
 * one JSON object per line ({@link JsonLines}: timestamp, level, logger, message, mdc, structured
 * fields, error). Event loops interleave many requests on one thread, so the request id and user id
 * are put in the MDC only around the log calls that concern a request ({@link #withRequest}), never
 * left behind on the thread.
 */
public final class Logs {

  public static final String REQUEST_ID = "requestId";
  public static final String USER_ID = "userId";

  private Logs() {}

  /**
   * Sends java.util.logging (PostgreSQL's driver logs there) to this process's logback, in its
   * format and at the levels of logback.xml, instead of the JDK's own console handler on stderr.
   * Idempotent.
   */
  public static void routeJavaUtilLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** Switches the console appender to JSON lines. */
  public static void useJson() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console
          && !(console.getEncoder() instanceof JsonLines)) {
        JsonLines encoder = new JsonLines();
        encoder.setContext(context);
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
      }
    }
  }

  /**
   * Logs what no thread caught (in the log's format, not as raw lines on stderr) and reports it
   * ({@link ErrorReports}). Idempotent.
   */
  public static void catchUncaught() {
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, failure) -> {
          ErrorReports.capture(failure, "thread " + thread.getName(), null, null);
          LoggerFactory.getLogger(Logs.class)
              .error("uncaught exception in thread {}", thread.getName(), failure);
        });
  }

  /** Runs a log call with the request id and user id (either may be null) in the MDC. */
  public static void withRequest(String requestId, String userId, Runnable log) {
    if (requestId != null) {
      MDC.put(REQUEST_ID, requestId);
    }
    if (userId != null) {
      MDC.put(USER_ID, userId);
    }
    try {
      log.run();
    } finally {
      MDC.remove(REQUEST_ID);
      MDC.remove(USER_ID);
    }
  }
}
