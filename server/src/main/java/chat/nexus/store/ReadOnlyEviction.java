package chat.nexus.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Drops a pooled connection whose server refuses writes (SQLState 25006,
 * read_only_sql_transaction): a primary that was demoted to a standby keeps its open sessions, and
 * without this the pool would lend them out again and again after a fail-over, every write failing.
 * HikariCP's own rules (a broken connection, a server shutting down) decide the rest.
 */
public final class ReadOnlyEviction implements SQLExceptionOverride {

  static final String READ_ONLY_TRANSACTION = "25006";

  @java.lang.Override
  public Override adjudicate(SQLException e) {
    return READ_ONLY_TRANSACTION.equals(e.getSQLState())
        ? Override.MUST_EVICT
        : Override.CONTINUE_EVICT;
  }
}
