package chat.nexus.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Catches what the whole process logs at or above a level while open (the root logger), for tests
 * that promise "no ERROR line". JUnit runs the test classes one at a time here, so the lines are
 * this test's.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root;
  private final ListAppender<ILoggingEvent> appender;

  private LogCapture(Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    appender =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(level)) {
              super.append(event);
            }
          }
        };
    appender.setContext(context);
    appender.setName("log-capture");
    appender.start();
    root.addAppender(appender);
  }

  /** Starts catching lines at {@code level} and above. */
  public static LogCapture atLeast(Level level) {
    return new LogCapture(level);
  }

  /** The lines so far: level, logger and message (with the exception's class when there is one). */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream()
          .map(
              e ->
                  e.getLevel()
                      + " "
                      + e.getLoggerName()
                      + " "
                      + e.getFormattedMessage()
                      + (e.getThrowableProxy() != null
                          ? " [" + e.getThrowableProxy().getClassName() + "]"
                          : ""))
          .toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
