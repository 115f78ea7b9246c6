package chat.nexus.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Catches what Vert.x's blocked-thread checker logs. Vert.x 5 logs through SLF4J (here logback)
 * under the logger {@value #LOGGER_NAME}, the constant {@code LOGGER_NAME} of {@code
 * io.vertx.core.internal.threadchecker.BlockedThreadChecker} (vertx-core 5.0.7; the class moved,
 * the logger name did not): "Thread Thread[vert.x-eventloop-thread-0,...] has been blocked for 2345
 * ms, time limit is 2000 ms", at WARN.
 */
public final class BlockedThreadLog implements AutoCloseable {

  public static final String LOGGER_NAME = "io.vertx.core.impl.BlockedThreadChecker";

  private final Logger logger;
  private final Appender appender = new Appender();

  private static final class Appender extends ListAppender<ILoggingEvent> {
    final CountDownLatch first = new CountDownLatch(1);

    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
        super.append(event);
        first.countDown();
      }
    }
  }

  private BlockedThreadLog() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logger = context.getLogger(LOGGER_NAME);
    appender.setContext(context);
    appender.setName("blocked-thread-log");
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts listening. */
  public static BlockedThreadLog attach() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      throw new AssertionError(
          "SLF4J is not bound to logback ("
              + LoggerFactory.getILoggerFactory().getClass().getName()
              + "): the blocked-thread check cannot see Vert.x's warnings");
    }
    return new BlockedThreadLog();
  }

  /** The warnings so far, as formatted messages. */
  public synchronized List<String> warnings() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** Returns the warnings so far and forgets them. */
  public List<String> drain() {
    synchronized (appender.list) {
      List<String> out = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      appender.list.clear();
      return out;
    }
  }

  /** Waits for the first warning. */
  public boolean awaitWarning(long timeout, TimeUnit unit) throws InterruptedException {
    return appender.first.await(timeout, unit);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
