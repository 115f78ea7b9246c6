package chat.nexus.usage;

import chat.nexus.store.Database;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code llm_usage} table: tokens in and out per (user, UTC day, character), added to (never
 * overwritten) so that several nodes' write-behinds sum up. Blocking JDBC: call it on a worker.
 */
public final class UsageStore {

  /** Characters listed in one user's usage, the most used first. */
  public static final int MAX_CHARACTERS_LISTED = 200;

  private static final String ADD_POSTGRES =
      "INSERT INTO llm_usage (user_id, usage_day, character_id, tokens_in, tokens_out)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, usage_day, character_id) DO UPDATE SET"
          + " tokens_in = llm_usage.tokens_in + EXCLUDED.tokens_in,"
          + " tokens_out = llm_usage.tokens_out + EXCLUDED.tokens_out";

  // H2 has no ON CONFLICT ... DO UPDATE; its MERGE runs under the table's lock
  private static final String ADD_H2 =
      "MERGE INTO llm_usage u USING (VALUES (CAST(? AS VARCHAR(128)), CAST(? AS DATE),"
          + " CAST(? AS VARCHAR(128)), CAST(? AS BIGINT), CAST(? AS BIGINT)))"
          + " AS s(user_id, usage_day, character_id, tokens_in, tokens_out)"
          + " ON u.user_id = s.user_id AND u.usage_day = s.usage_day"
          + " AND u.character_id = s.character_id"
          + " WHEN MATCHED THEN UPDATE SET tokens_in = u.tokens_in + s.tokens_in,"
          + " tokens_out = u.tokens_out + s.tokens_out"
          + " WHEN NOT MATCHED THEN INSERT (user_id, usage_day, character_id, tokens_in,"
          + " tokens_out) VALUES (s.user_id, s.usage_day, s.character_id, s.tokens_in,"
          + " s.tokens_out)";

  private static final String BY_CHARACTER =
      "SELECT character_id,"
          + " SUM(CASE WHEN usage_day = ? THEN tokens_in ELSE 0 END),"
          + " SUM(CASE WHEN usage_day = ? THEN tokens_out ELSE 0 END),"
          + " SUM(tokens_in), SUM(tokens_out)"
          + " FROM llm_usage WHERE user_id = ? AND usage_day >= ? AND usage_day <= ?"
          + " GROUP BY character_id"
          + " ORDER BY SUM(tokens_in) + SUM(tokens_out) DESC, character_id"
          + " LIMIT "
          + MAX_CHARACTERS_LISTED;

  private static final String TOTALS =
      "SELECT COALESCE(SUM(CASE WHEN usage_day = ? THEN tokens_in ELSE 0 END), 0),"
          + " COALESCE(SUM(CASE WHEN usage_day = ? THEN tokens_out ELSE 0 END), 0),"
          + " COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0)"
          + " FROM llm_usage WHERE user_id = ? AND usage_day >= ? AND usage_day <= ?";

  /** Tokens to add to one row. */
  public record Delta(String userId, LocalDate day, String characterId, long in, long out) {}

  /** A user's tokens on one day and in its month, for one character or all of them. */
  public record Counts(long todayIn, long todayOut, long monthIn, long monthOut) {

    public static final Counts NONE = new Counts(0, 0, 0, 0);

    public Counts plus(Counts other) {
      return new Counts(
          todayIn + other.todayIn,
          todayOut + other.todayOut,
          monthIn + other.monthIn,
          monthOut + other.monthOut);
    }

    public long today() {
      return todayIn + todayOut;
    }

    public long month() {
      return monthIn + monthOut;
    }
  }

  private final Database database;

  public UsageStore(Database database) {
    this.database = database;
  }

  /**
   * Adds every delta in one transaction, in key order (so that two nodes' batches lock rows in the
   * same order and cannot deadlock).
   */
  public void add(List<Delta> deltas) throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    List<Delta> ordered = new ArrayList<>(deltas);
    ordered.sort(
        Comparator.comparing(Delta::userId)
            .thenComparing(Delta::day)
            .thenComparing(Delta::characterId));
    try (Connection c = database.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(database.isPostgres() ? ADD_POSTGRES : ADD_H2)) {
        for (Delta d : ordered) {
          ps.setString(1, d.userId());
          ps.setDate(2, Date.valueOf(d.day()));
          ps.setString(3, d.characterId());
          ps.setLong(4, d.in());
          ps.setLong(5, d.out());
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  /** The user's tokens on {@code today} and from the first of its month up to it. */
  public Counts totals(String userId, LocalDate today) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(TOTALS)) {
      bind(ps, userId, today);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
      }
    }
  }

  /**
   * The user's tokens this month per character ('' for calls about none), the most used first, at
   * most {@link #MAX_CHARACTERS_LISTED}.
   */
  public List<CharacterCounts> byCharacter(String userId, LocalDate today) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(BY_CHARACTER)) {
      bind(ps, userId, today);
      List<CharacterCounts> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new CharacterCounts(
                  rs.getString(1),
                  new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))));
        }
      }
      return out;
    }
  }

  /** One character's share. */
  public record CharacterCounts(String characterId, Counts counts) {}

  private static void bind(PreparedStatement ps, String userId, LocalDate today)
      throws SQLException {
    Date day = Date.valueOf(today);
    ps.setDate(1, day);
    ps.setDate(2, day);
    ps.setString(3, userId);
    ps.setDate(4, Date.valueOf(today.withDayOfMonth(1)));
    ps.setDate(5, day);
  }
}
