package chat.nexus.store;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small JDBC helpers shared by the stores. */
public final class Sql {

  /** SQLState for a unique-constraint violation, on PostgreSQL and H2 alike. */
  static final String UNIQUE_VIOLATION = "23505";

  private Sql() {}

  public static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  public static Instant instant(Object value) {
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof Timestamp ts) {
      return ts.toInstant();
    }
    if (value instanceof java.time.ZonedDateTime zdt) {
      return zdt.toInstant();
    }
    throw new IllegalStateException("not a timestamp: " + value);
  }

  public static boolean isUniqueViolation(SQLException e) {
    for (SQLException current = e; current != null; current = current.getNextException()) {
      if (UNIQUE_VIOLATION.equals(current.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
