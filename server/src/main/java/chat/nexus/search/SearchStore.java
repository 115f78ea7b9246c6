package chat.nexus.search;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Database;
import chat.nexus.store.Message;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The search queries. Blocking: call from a worker ({@link MessageSearch}).
 *
 * <p>PostgreSQL matches words with full-text search (websearch_to_tsquery on the 'simple'
 * configuration, served by the GIN index of V14) and marks them with ts_headline; H2 requires every
 * word to appear somewhere in the text (case-insensitive LIKE, the user's % and _ taken literally)
 * and the snippet is made here. Both look at the rooms the user belongs to (room_members) or at the
 * one room asked for, newest first, and stop after {@link #TIMEOUT}: a common word in a big room
 * costs one worker at most that long, then the search fails with BAD_REQUEST.
 */
public final class SearchStore {

  /** How long one search may run in the database. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** Words an H2 search looks for at most (each one a LIKE over the text). */
  public static final int MAX_WORDS = 10;

  /** PostgreSQL's query_canceled and H2's statement timeout share this SQLState. */
  static final String CANCELED = "57014";

  private static final char ESCAPE = '\\';

  private static final String COLUMNS =
      "m.id, m.room_id, m.user_id, m.text, m.client_id, m.created_at";

  private static final String MINE =
      "m.room_id IN (SELECT room_id FROM room_members WHERE user_id = ?)";

  private static final String ONE_ROOM = "m.room_id = ?";

  private static final String TS_MATCH =
      "to_tsvector('simple', m.text) @@ websearch_to_tsquery('simple', ?)";

  private static final String LIKE_MATCH = "LOWER(m.text) LIKE ? ESCAPE '" + ESCAPE + "'";

  private final Database database;
  private final Duration timeout;

  public SearchStore(Database database) {
    this(database, TIMEOUT);
  }

  /**
   * With another time limit than {@link #TIMEOUT} (H2 counts it in whole seconds, at least one).
   */
  SearchStore(Database database, Duration timeout) {
    this.database = database;
    this.timeout = timeout;
  }

  /**
   * Messages matching the request, newest first, at most {@code request.limit() + 1} (the extra one
   * says there is a next page): in {@code request.roomId()} when given (the caller has checked the
   * user may read it), else in the rooms {@code userId} belongs to.
   */
  public List<Found> search(String userId, SearchRequest request) throws SQLException {
    List<String> words = database.isPostgres() ? List.of() : words(request.q());
    String sql =
        sql(
            database.isPostgres(),
            request.roomId().isPresent(),
            words.size(),
            request.before() != null);
    return database.read(
        Database.userKey(userId),
        c -> {
          if (database.isPostgres()) {
            return inTransaction(c, () -> run(c, sql, userId, request, words));
          }
          return run(c, sql, userId, request, words);
        });
  }

  private List<Found> run(
      Connection c, String sql, String userId, SearchRequest request, List<String> words)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (database.isPostgres()) {
        ps.setString(i++, Snippets.MARKERS);
        ps.setString(i++, request.q());
        ps.setString(i++, Snippets.HEADLINE_OPTIONS);
      }
      ps.setString(i++, request.roomId().orElse(userId));
      if (database.isPostgres()) {
        ps.setString(i++, request.q());
      } else {
        for (String word : words) {
          ps.setString(i++, "%" + escapeLike(Snippets.lower(word)) + "%");
        }
      }
      if (request.before() != null) {
        ps.setLong(i++, request.before());
      }
      ps.setInt(i, request.limit() + 1);
      if (!database.isPostgres()) {
        ps.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Found> found = new ArrayList<>();
        while (rs.next()) {
          Message message =
              new Message(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  Sql.instant(rs.getObject(6)));
          String snippet =
              database.isPostgres() ? rs.getString(7) : Snippets.of(message.text(), words);
          found.add(new Found(message, snippet, rs.getString(8), rs.getString(9)));
        }
        return found;
      }
    } catch (SQLException e) {
      if (CANCELED.equals(e.getSQLState())) {
        throw ApiException.badRequest("the search took too long: add words, or search one room");
      }
      throw e;
    } finally {
      if (!database.isPostgres()) {
        resetTimeout(
            c); // H2 keeps a statement's timeout on its connection, which goes back to the pool
      }
    }
  }

  /**
   * The search statement. Its parameters: on PostgreSQL the snippet's three (markers, q, options);
   * the room id, or the user id whose rooms are searched; q (PostgreSQL) or each word's LIKE
   * pattern (H2); before when given; the row limit.
   */
  static String sql(boolean postgres, boolean oneRoom, int words, boolean before) {
    List<String> where = new ArrayList<>();
    where.add(oneRoom ? ONE_ROOM : MINE);
    where.add("m.deleted_at IS NULL");
    if (postgres) {
      where.add(TS_MATCH);
    } else {
      for (int i = 0; i < words; i++) {
        where.add(LIKE_MATCH);
      }
    }
    if (before) {
      where.add("m.id < ?");
    }
    // Only the page's rows get a snippet and names: the inner query picks them first.
    String page =
        "SELECT "
            + COLUMNS
            + " FROM messages m WHERE "
            + String.join(" AND ", where)
            + " ORDER BY m.id DESC LIMIT ?";
    String snippet =
        postgres
            ? "ts_headline('simple', translate(f.text, ?, ''), websearch_to_tsquery('simple', ?), ?)"
            : "NULL";
    return "SELECT f.id, f.room_id, f.user_id, f.text, f.client_id, f.created_at, "
        + snippet
        + ", u.name, r.name FROM ("
        + page
        + ") f LEFT JOIN users u ON u.id = f.user_id LEFT JOIN rooms r ON r.id = f.room_id"
        + " ORDER BY f.id DESC";
  }

  /** The search in a transaction of its own, so that its statement timeout ends with it. */
  private <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
      }
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static void resetTimeout(Connection c) {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(0);
    } catch (SQLException e) {
      // the connection is broken: the pool finds out and drops it
    }
  }

  /** The distinct words of an H2 search, quotes dropped; at most {@link #MAX_WORDS}. */
  static List<String> words(String q) {
    Set<String> words = new LinkedHashSet<>();
    for (String word : q.replace("\"", " ").split(" ")) {
      if (!word.isEmpty()) {
        words.add(Snippets.lower(word));
      }
    }
    if (words.isEmpty()) {
      throw ApiException.badRequest("q is required: the words to search for");
    }
    if (words.size() > MAX_WORDS) {
      throw ApiException.badRequest("search for at most " + MAX_WORDS + " words");
    }
    return List.copyOf(words);
  }

  /** The text with LIKE's wildcards (and its escape character) taken literally. */
  static String escapeLike(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' || c == '_' || c == ESCAPE) {
        out.append(ESCAPE);
      }
      out.append(c);
    }
    return out.toString();
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }
}
