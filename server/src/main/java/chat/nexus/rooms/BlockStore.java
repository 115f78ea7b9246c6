package chat.nexus.rooms;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The user_blocks rows: whom each user blocked. Blocking: call from a worker ({@link Blocks}). */
public final class BlockStore {

  private final Database database;

  public BlockStore(Database database) {
    this.database = database;
  }

  /** Whether the block is new. */
  public boolean block(String userId, String blockedId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO user_blocks (user_id, blocked_id, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, userId);
      ps.setString(2, blockedId);
      ps.setObject(3, Sql.timestamp(Instant.now()));
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Whether there was a block. */
  public boolean unblock(String userId, String blockedId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM user_blocks WHERE user_id = ? AND blocked_id = ?")) {
      ps.setString(1, userId);
      ps.setString(2, blockedId);
      return ps.executeUpdate() > 0;
    }
  }

  /** Whom the user blocked, newest first, at most {@code limit}: {userId, name, createdAt}. */
  public List<JsonObject> blocked(String userId, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT b.blocked_id, u.name, b.created_at FROM user_blocks b"
                    + " LEFT JOIN users u ON u.id = b.blocked_id WHERE b.user_id = ?"
                    + " ORDER BY b.created_at DESC, b.blocked_id LIMIT ?")) {
      ps.setString(1, userId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<JsonObject> blocked = new ArrayList<>();
        while (rs.next()) {
          blocked.add(
              new JsonObject()
                  .put("userId", rs.getString(1))
                  .put("name", rs.getString(2))
                  .put("createdAt", Sql.instant(rs.getObject(3)).toString()));
        }
        return blocked;
      }
    }
  }
}
