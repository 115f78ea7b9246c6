package chat.nexus.companion;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
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
 * Companion conversations in {@code companion_chat_messages}. Blocking (JDBC): call from the
 * Blocking pool. Timestamps are kept to the millisecond, so that what is returned equals what is
 * stored.
 */
public final class CompanionStore {

  private static final String INSERT =
      "INSERT INTO companion_chat_messages (user_id, character_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)";
  // Served by the index on (user_id, character_id, created_at DESC); id breaks ties within a
  // millisecond.
  private static final String RECENT =
      "SELECT id, user_id, character_id, role, content, created_at FROM companion_chat_messages"
          + " WHERE user_id = ? AND character_id = ? ORDER BY created_at DESC, id DESC LIMIT ?";

  private final Database database;

  public CompanionStore(Database database) {
    this.database = database;
  }

  /** Stores a message; returns it with its id and createdAt. */
  public CompanionMessage append(String userId, String characterId, String role, String content)
      throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
      ps.setString(1, userId);
      ps.setString(2, characterId);
      ps.setString(3, role);
      ps.setString(4, content);
      ps.setObject(5, now.atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
      long id;
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("no id generated for a companion message");
        }
        id = keys.getLong(1);
      }
      database.wrote(c, List.of(Database.userKey(userId)));
      return new CompanionMessage(id, userId, characterId, role, content, now);
    }
  }

  /**
   * The last {@code limit} messages of a conversation, newest first, with every message this node
   * stored for the user.
   */
  public List<CompanionMessage> recent(String userId, String characterId, int limit)
      throws SQLException {
    return database.read(
        Database.userKey(userId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(RECENT)) {
            ps.setString(1, userId);
            ps.setString(2, characterId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<CompanionMessage> out = new ArrayList<>();
              while (rs.next()) {
                out.add(
                    new CompanionMessage(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        Sql.instant(rs.getObject(6))));
              }
              return out;
            }
          }
        });
  }
}
