package chat.nexus.uploads;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/** The uploads table. Blocking: call from a worker. */
final class UploadStore {

  private final Database database;

  UploadStore(Database database) {
    this.database = database;
  }

  /** Whether a message of the room (not deleted) carries the upload. */
  boolean attachedInRoom(String roomId, String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT 1 FROM messages WHERE room_id = ? AND attachment LIKE ? ESCAPE '!'"
                    + " LIMIT 1")) {
      ps.setString(1, roomId);
      ps.setString(2, "%\"id\":\"" + id.replace("_", "!_") + "\"%");
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  void delete(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM uploads WHERE id = ?")) {
      ps.setString(1, id);
      ps.executeUpdate();
    }
  }

  void insert(Upload u) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO uploads (id, room_id, user_id, name, content_type, size, width, height,"
                    + " image, store, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, u.id());
      ps.setString(2, u.roomId());
      ps.setString(3, u.userId());
      ps.setString(4, u.name());
      ps.setString(5, u.contentType());
      ps.setLong(6, u.size());
      setInt(ps, 7, u.width());
      setInt(ps, 8, u.height());
      ps.setBoolean(9, u.image());
      ps.setString(10, u.store());
      ps.setObject(11, Sql.timestamp(u.createdAt()));
      ps.executeUpdate();
    }
  }

  Upload insertAndReturn(Upload u) throws SQLException {
    insert(u);
    return u;
  }

  Optional<Upload> find(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, room_id, user_id, name, content_type, size, width, height, image, store,"
                    + " created_at FROM uploads WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Upload(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getLong(6),
                (Integer) rs.getObject(7),
                (Integer) rs.getObject(8),
                rs.getBoolean(9),
                rs.getString(10),
                Sql.instant(rs.getObject(11))));
      }
    }
  }

  private static void setInt(PreparedStatement ps, int at, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(at, Types.INTEGER);
    } else {
      ps.setInt(at, value);
    }
  }
}
