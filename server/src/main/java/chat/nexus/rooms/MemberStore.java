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
import java.util.Optional;

/** The room_members and room visibility rows. Blocking: call from a worker ({@link Members}). */
public final class MemberStore {

  private static final String COLUMNS =
      "room_id, user_id, role, joined_at, last_read_id, muted_until";

  private final Database database;

  public MemberStore(Database database) {
    this.database = database;
  }

  /**
   * Adds the user to the room with this role; an existing membership is kept as it is. Whether the
   * user is a new member.
   */
  public boolean add(String roomId, String userId, Role role) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      ps.setString(3, role.value());
      ps.setObject(4, Sql.timestamp(Instant.now()));
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      if (!Sql.isUniqueViolation(e)) {
        throw e;
      }
      return false; // already a member: fine
    }
  }

  /** Whether the user was a member (and is no longer). */
  public boolean remove(String roomId, String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM room_members WHERE room_id = ? AND user_id = ?")) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      return ps.executeUpdate() > 0;
    }
  }

  public Optional<Membership> find(String roomId, String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM room_members WHERE room_id = ? AND user_id = ?")) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** The user's rooms, at most {@code limit}, in room id order. */
  public List<Membership> roomsOf(String userId, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM room_members WHERE user_id = ? ORDER BY room_id LIMIT ?")) {
      ps.setString(1, userId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Membership> rooms = new ArrayList<>();
        while (rs.next()) {
          rooms.add(read(rs));
        }
        return rooms;
      }
    }
  }

  /** The room's visibility (public or private), or empty when there is no such room. */
  public Optional<String> visibility(String roomId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("SELECT visibility FROM rooms WHERE id = ?")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static Membership read(ResultSet rs) throws SQLException {
    return new Membership(
        rs.getString(1),
        rs.getString(2),
        Role.of(rs.getString(3)),
        Sql.instant(rs.getObject(4)),
        rs.getLong(5),
        rs.getObject(6) == null ? Membership.NOT_MUTED : Sql.instant(rs.getObject(6)));
  }

  /** Gives a member another role; whether the user was a member. */
  public boolean setRole(String roomId, String userId, Role role) throws SQLException {
    return update(
        "UPDATE room_members SET role = ? WHERE room_id = ? AND user_id = ?",
        roomId,
        userId,
        role.value());
  }

  /** Mutes a member until then (null: unmutes); whether the user was a member. */
  public boolean mute(String roomId, String userId, Instant until) throws SQLException {
    return update(
        "UPDATE room_members SET muted_until = ? WHERE room_id = ? AND user_id = ?",
        roomId,
        userId,
        until == null ? null : Sql.timestamp(until));
  }

  /** How many owners the room has. */
  public int owners(String roomId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM room_members WHERE room_id = ? AND role = 'owner'")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The room's members, strongest role first then by user id, at most {@code limit}. */
  public List<Membership> membersOf(String roomId, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM room_members WHERE room_id = ? ORDER BY CASE role WHEN 'owner' THEN 0"
                    + " WHEN 'moderator' THEN 1 ELSE 2 END, user_id LIMIT ?")) {
      ps.setString(1, roomId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Membership> members = new ArrayList<>();
        while (rs.next()) {
          members.add(read(rs));
        }
        return members;
      }
    }
  }

  private boolean update(String sql, String roomId, String userId, Object value)
      throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (value == null) {
        ps.setNull(1, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        ps.setObject(1, value);
      }
      ps.setString(2, roomId);
      ps.setString(3, userId);
      return ps.executeUpdate() > 0;
    }
  }
}
