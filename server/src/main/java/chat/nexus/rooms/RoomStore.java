package chat.nexus.rooms;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rooms rows (name, topic, visibility, owner), the public directory, bans and invitations.
 * Blocking: call from a worker.
 */
public final class RoomStore {

  private static final String COLUMNS =
      "r.id, r.name, r.topic, r.visibility, r.owner_id, r.created_at,"
          + " (SELECT COUNT(*) FROM room_members m WHERE m.room_id = r.id)";

  private final Database database;

  public RoomStore(Database database) {
    this.database = database;
  }

  /**
   * Creates the room with its owner as its first member, in one transaction; false when a room of
   * that id exists already.
   */
  public boolean create(String id, String name, String topic, String visibility, String ownerId)
      throws SQLException {
    try (Connection c = database.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement room =
              c.prepareStatement(
                  "INSERT INTO rooms (id, kind, created_at, name, topic, visibility, owner_id)"
                      + " VALUES (?, 'public', ?, ?, ?, ?, ?)");
          PreparedStatement member =
              c.prepareStatement(
                  "INSERT INTO room_members (room_id, user_id, role, joined_at)"
                      + " VALUES (?, ?, 'owner', ?)")) {
        Instant now = Instant.now();
        room.setString(1, id);
        room.setObject(2, Sql.timestamp(now));
        room.setString(3, name);
        room.setString(4, topic);
        room.setString(5, visibility);
        room.setString(6, ownerId);
        room.executeUpdate();
        member.setString(1, id);
        member.setString(2, ownerId);
        member.setObject(3, Sql.timestamp(now));
        member.executeUpdate();
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        if (Sql.isUniqueViolation(e)) {
          return false;
        }
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  public Optional<Room> find(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM rooms r WHERE r.id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** Changes what is given (a null leaves that column as it is); whether the room exists. */
  public boolean update(String id, String name, String topic, String visibility)
      throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE rooms SET name = COALESCE(?, name), topic = COALESCE(?, topic),"
                    + " visibility = COALESCE(?, visibility) WHERE id = ?")) {
      ps.setString(1, name);
      ps.setString(2, topic);
      ps.setString(3, visibility);
      ps.setString(4, id);
      return ps.executeUpdate() > 0;
    }
  }

  /**
   * Public rooms whose id (the lower-case name) contains {@code query}, in id order after {@code
   * after} (empty: from the first), at most {@code limit}.
   */
  public List<Room> directory(String query, String after, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM rooms r WHERE r.visibility = 'public' AND r.kind <> 'direct'"
                    + " AND r.id > ? AND r.id LIKE ? ESCAPE '!' ORDER BY r.id LIMIT ?")) {
      ps.setString(1, after);
      ps.setString(2, "%" + likeEscaped(query) + "%");
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Room> rooms = new ArrayList<>();
        while (rs.next()) {
          rooms.add(read(rs));
        }
        return rooms;
      }
    }
  }

  private static String likeEscaped(String query) {
    return query.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  // ---- bans ----

  /** Bans the user until then (null: for good), replacing an earlier ban. */
  public void ban(String roomId, String userId, String by, Instant until) throws SQLException {
    try (Connection c = database.connection()) {
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM room_bans WHERE room_id = ? AND user_id = ?")) {
        delete.setString(1, roomId);
        delete.setString(2, userId);
        delete.executeUpdate();
      }
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO room_bans (room_id, user_id, banned_by, expires_at, created_at)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, roomId);
        insert.setString(2, userId);
        insert.setString(3, by);
        if (until == null) {
          insert.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          insert.setObject(4, Sql.timestamp(until));
        }
        insert.setObject(5, Sql.timestamp(Instant.now()));
        insert.executeUpdate();
      }
    }
  }

  /** Whether there was a ban. */
  public boolean unban(String roomId, String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM room_bans WHERE room_id = ? AND user_id = ?")) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      return ps.executeUpdate() > 0;
    }
  }

  /**
   * What decides a join of a room by someone: the room's visibility (public for a room not created
   * yet), whether the user is banned (until when), and whether they are invited.
   */
  public record Admission(
      String visibility, boolean banned, Optional<Instant> bannedUntil, boolean invited) {}

  public Admission admission(String roomId, String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT (SELECT visibility FROM rooms WHERE id = ?),"
                    + " (SELECT COUNT(*) FROM room_bans WHERE room_id = ? AND user_id = ?"
                    + " AND (expires_at IS NULL OR expires_at > ?)),"
                    + " (SELECT MAX(expires_at) FROM room_bans WHERE room_id = ? AND user_id = ?),"
                    + " (SELECT COUNT(*) FROM room_invitations WHERE room_id = ? AND user_id = ?)")) {
      ps.setString(1, roomId);
      ps.setString(2, roomId);
      ps.setString(3, userId);
      ps.setObject(4, Sql.timestamp(Instant.now()));
      ps.setString(5, roomId);
      ps.setString(6, userId);
      ps.setString(7, roomId);
      ps.setString(8, userId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String visibility = rs.getString(1);
        Object until = rs.getObject(3);
        return new Admission(
            visibility == null ? Room.PUBLIC : visibility,
            rs.getInt(2) > 0,
            until == null ? Optional.empty() : Optional.of(Sql.instant(until)),
            rs.getInt(4) > 0);
      }
    }
  }

  // ---- invitations ----

  public void invite(String roomId, String userId, String by) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO room_invitations (room_id, user_id, invited_by, created_at)"
                    + " VALUES (?, ?, ?, ?)")) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      ps.setString(3, by);
      ps.setObject(4, Sql.timestamp(Instant.now()));
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!Sql.isUniqueViolation(e)) {
        throw e; // invited already: fine
      }
    }
  }

  /** Used up by the join it allowed. */
  public void uninvite(String roomId, String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM room_invitations WHERE room_id = ? AND user_id = ?")) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      ps.executeUpdate();
    }
  }

  // ---- users ----

  /** The id of the user with this id or, failing that, this username (any case). */
  public Optional<String> userId(String idOrName) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM users WHERE id = ? UNION SELECT id FROM users WHERE username_key = ?")) {
      ps.setString(1, idOrName);
      ps.setString(2, idOrName.toLowerCase(Locale.ROOT));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static Room read(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    String name = rs.getString(2);
    String topic = rs.getString(3);
    return new Room(
        id,
        name == null ? id : name,
        topic == null ? "" : topic,
        rs.getString(4),
        Optional.ofNullable(rs.getString(5)),
        Sql.instant(rs.getObject(6)),
        rs.getInt(7));
  }
}
