package chat.nexus.companion;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's conversations with characters in {@code companion_conversations}. Every statement names
 * the user, so another user's conversation id reads as none. Blocking (JDBC): call from the
 * Blocking pool.
 */
public final class CompanionConversationStore {

  private static final String COLUMNS =
      "id, user_id, character_id, title, persona_id, created_at, activity_at, summary,"
          + " summary_through, pins";
  private static final String INSERT =
      "INSERT INTO companion_conversations (user_id, character_id, created_at, activity_at)"
          + " VALUES (?, ?, ?, ?)";
  private static final String ONE =
      "SELECT " + COLUMNS + " FROM companion_conversations WHERE id = ? AND user_id = ?";
  // Served by the index on (user_id, character_id, activity_at DESC).
  private static final String OF_CHARACTER =
      "SELECT "
          + COLUMNS
          + " FROM companion_conversations WHERE user_id = ? AND character_id = ?"
          + " ORDER BY activity_at DESC, id DESC LIMIT ?";
  private static final String COUNT =
      "SELECT COUNT(*) FROM companion_conversations WHERE user_id = ? AND character_id = ?";
  private static final String RENAME =
      "UPDATE companion_conversations SET title = ? WHERE id = ? AND user_id = ?";
  private static final String DELETE_MESSAGES =
      "DELETE FROM companion_chat_messages WHERE conversation_id = ? AND user_id = ?";
  private static final String SUMMARISED =
      "UPDATE companion_conversations SET summary = ?, summary_through = ?"
          + " WHERE id = ? AND user_id = ?";
  private static final String REMEMBER =
      "UPDATE companion_conversations SET summary = ?, pins = ? WHERE id = ? AND user_id = ?";
  private static final String DELETE =
      "DELETE FROM companion_conversations WHERE id = ? AND user_id = ?";

  private final Database database;

  public CompanionConversationStore(Database database) {
    this.database = database;
  }

  public CompanionConversation create(String userId, String characterId) throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
      ps.setString(1, userId);
      ps.setString(2, characterId);
      ps.setObject(3, now.atOffset(ZoneOffset.UTC));
      ps.setObject(4, now.atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("no id generated for a companion conversation");
        }
        database.wrote(c, List.of(Database.userKey(userId)));
        return new CompanionConversation(
            keys.getLong(1), userId, characterId, null, null, now, now, null, 0, null);
      }
    }
  }

  /** The user's conversation with this id, or null (none, or someone else's). */
  public CompanionConversation get(String userId, long id) throws SQLException {
    return database.read(
        Database.userKey(userId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ONE)) {
            ps.setLong(1, id);
            ps.setString(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? row(rs) : null;
            }
          }
        });
  }

  /** The user's conversations with a character, most recently active first. */
  public List<CompanionConversation> of(String userId, String characterId, int limit)
      throws SQLException {
    return database.read(
        Database.userKey(userId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(OF_CHARACTER)) {
            ps.setString(1, userId);
            ps.setString(2, characterId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<CompanionConversation> out = new ArrayList<>();
              while (rs.next()) {
                out.add(row(rs));
              }
              return out;
            }
          }
        });
  }

  public int count(String userId, String characterId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(COUNT)) {
      ps.setString(1, userId);
      ps.setString(2, characterId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Sets the title (null: untitled); false when the user has no such conversation. */
  public boolean rename(String userId, long id, String title) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(RENAME)) {
      ps.setString(1, title);
      ps.setLong(2, id);
      ps.setString(3, userId);
      boolean done = ps.executeUpdate() == 1;
      database.wrote(c, List.of(Database.userKey(userId)));
      return done;
    }
  }

  /** Deletes the conversation and its messages; false when the user has no such conversation. */
  public boolean delete(String userId, long id) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        int deleted;
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
          ps.setLong(1, id);
          ps.setString(2, userId);
          deleted = ps.executeUpdate();
        }
        if (deleted == 1) {
          try (PreparedStatement ps = c.prepareStatement(DELETE_MESSAGES)) {
            ps.setLong(1, id);
            ps.setString(2, userId);
            ps.executeUpdate();
          }
        }
        c.commit();
        database.wrote(c, List.of(Database.userKey(userId)));
        return deleted == 1;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Sets the summary and the last message it covers. */
  public void summarised(CompanionConversation c, String summary, long through)
      throws SQLException {
    memory(c, SUMMARISED, summary, through);
  }

  /** Sets what the user wrote: the summary (null: none) and the pinned facts. */
  public void remember(CompanionConversation c, String summary, List<String> pins)
      throws SQLException {
    memory(c, REMEMBER, summary, pins.isEmpty() ? null : new JsonArray(pins).encode());
  }

  private void memory(CompanionConversation c, String sql, String summary, Object second)
      throws SQLException {
    try (Connection connection = database.connection();
        PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, summary);
      ps.setObject(
          2, second, second instanceof Long ? java.sql.Types.BIGINT : java.sql.Types.VARCHAR);
      ps.setLong(3, c.id());
      ps.setString(4, c.userId());
      ps.executeUpdate();
      database.wrote(connection, List.of(Database.userKey(c.userId())));
    }
  }

  private static CompanionConversation row(ResultSet rs) throws SQLException {
    long persona = rs.getLong(5);
    Long personaId = rs.wasNull() ? null : persona;
    String pins = rs.getString(10);
    List<String> list = new ArrayList<>();
    if (pins != null) {
      new JsonArray(pins).forEach(p -> list.add((String) p));
    }
    return new CompanionConversation(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        personaId,
        Sql.instant(rs.getObject(6)),
        Sql.instant(rs.getObject(7)),
        rs.getString(8),
        rs.getLong(9),
        list);
  }
}
