package chat.nexus.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.SocketException;
import java.util.logging.Level;
import java.util.logging.LogManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** java.util.logging (PostgreSQL's driver) goes through logback, at logback.xml's levels. */
class LogsTest {

  @Test
  void javaUtilLoggingGoesToLogbackNotToTheJdkConsole() {
    Logs.routeJavaUtilLogging();
    Logs.routeJavaUtilLogging(); // idempotent
    assertThat(LogManager.getLogManager().getLogger("").getHandlers())
        .hasSize(1)
        .allMatch(handler -> handler instanceof SLF4JBridgeHandler);

    Logger driver = (Logger) LoggerFactory.getLogger("org.postgresql.Driver");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    driver.addAppender(seen);
    try {
      java.util.logging.Logger.getLogger("org.postgresql.Driver")
          .warning("a warning of the driver");
      assertThat(seen.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("a warning of the driver");
    } finally {
      driver.detachAppender(seen);
    }
  }

  @Test
  void aConnectionAttemptCutByAStoppingPostgresqlIsNotLogged() {
    Logs.routeJavaUtilLogging();
    java.util.logging.Logger factory =
        java.util.logging.Logger.getLogger("org.postgresql.core.ConnectionFactory");
    assertThat(factory.isLoggable(Level.WARNING)).as("the JUL level follows logback.xml").isFalse();
    Logger logback = (Logger) LoggerFactory.getLogger("org.postgresql.core.ConnectionFactory");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    logback.addAppender(seen);
    try {
      factory.log(
          Level.WARNING,
          "Failed to closed stream with error: {0}",
          new SocketException("Broken pipe"));
      assertThat(seen.list).isEmpty();
    } finally {
      logback.detachAppender(seen);
    }
  }
}
