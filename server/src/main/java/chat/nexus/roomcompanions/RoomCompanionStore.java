package chat.nexus.roomcompanions;

import chat.nexus.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The room_companions table and the names a group prompt needs. Blocking: call from a worker. */
final class RoomCompanionStore {

  /** What {@link #add} did. */
  enum Added {
    ADDED,
    UPDATED,
    ROOM_FULL
  }

  private final Database database;

  RoomCompanionStore(Database database) {
    this.database = database;
  }

  /** The room's companions, in the order they were added. */
  List<RoomCompanion> list(String roomId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT rc.character_id, ch.name, rc.sponsored, rc.added_by, ch.avatar IS NOT NULL"
                    + " FROM room_companions rc"
                    + " JOIN characters ch ON ch.id = rc.character_id"
                    + " WHERE rc.room_id = ? AND ch.deleted_at IS NULL"
                    + " ORDER BY rc.created_at, rc.character_id")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        List<RoomCompanion> out = new ArrayList<>();
        while (rs.next()) {
          out.add(
              new RoomCompanion(
                  roomId,
                  rs.getString(1),
                  rs.getString(2),
                  rs.getBoolean(3),
                  rs.getString(4),
                  rs.getBoolean(5)));
        }
        return out;
      }
    }
  }

  /**
   * Adds the character to the room, or changes whether the room sponsors it when it is there
   * already. The room's row is locked while counting, so two owners adding at once never pass
   * {@code max} together.
   */
  Added add(String roomId, String characterId, String addedBy, boolean sponsored, int max)
      throws SQLException {
    try (Connection c = database.connection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        Added result = add(c, roomId, characterId, addedBy, sponsored, max);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private static Added add(
      Connection c, String roomId, String characterId, String addedBy, boolean sponsored, int max)
      throws SQLException {
    try (PreparedStatement lock =
        c.prepareStatement("SELECT id FROM rooms WHERE id = ? FOR UPDATE")) {
      lock.setString(1, roomId);
      lock.executeQuery().close();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE room_companions SET sponsored = ?, added_by = ?"
                + " WHERE room_id = ? AND character_id = ?")) {
      // whoever adds it again is who it now answers for (and whose budget a sponsored room spends)
      ps.setBoolean(1, sponsored);
      ps.setString(2, addedBy);
      ps.setString(3, roomId);
      ps.setString(4, characterId);
      if (ps.executeUpdate() > 0) {
        return Added.UPDATED;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM room_companions WHERE room_id = ?")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getInt(1) >= max) {
          return Added.ROOM_FULL;
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO room_companions (room_id, character_id, added_by, sponsored, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, roomId);
      ps.setString(2, characterId);
      ps.setString(3, addedBy);
      ps.setBoolean(4, sponsored);
      ps.setTimestamp(5, Timestamp.from(Instant.now()));
      ps.executeUpdate();
      return Added.ADDED;
    }
  }

  boolean remove(String roomId, String characterId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM room_companions WHERE room_id = ? AND character_id = ?")) {
      ps.setString(1, roomId);
      ps.setString(2, characterId);
      return ps.executeUpdate() > 0;
    }
  }

  /** Display names of these users (those that exist). */
  Map<String, String> names(Set<String> userIds) throws SQLException {
    Map<String, String> names = new HashMap<>();
    if (userIds.isEmpty()) {
      return names;
    }
    String marks = String.join(", ", java.util.Collections.nCopies(userIds.size(), "?"));
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT id, name FROM users WHERE id IN (" + marks + ")")) {
      int i = 1;
      for (String id : userIds) {
        ps.setString(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return names;
  }

  /** The display names of the room's members, owners first, at most {@code limit}. */
  List<String> memberNames(String roomId, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT u.name FROM room_members m JOIN users u ON u.id = m.user_id"
                    + " WHERE m.room_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0"
                    + " WHEN 'moderator' THEN 1 ELSE 2 END, m.user_id LIMIT ?")) {
      ps.setString(1, roomId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    }
  }

  /** One user's display name. */
  Optional<String> name(String userId) throws SQLException {
    return Optional.ofNullable(names(Set.of(userId)).get(userId));
  }
}
