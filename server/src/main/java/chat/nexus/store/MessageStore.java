package chat.nexus.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rooms and message reads. Blocking: call from a worker. Writes go through {@link MessageWriter}.
 */
public final class MessageStore {

  private static final String COLUMNS =
      "id, room_id, user_id, text, client_id, created_at, attachment";

  private static final String BY_CLIENT_ID =
      "SELECT " + COLUMNS + " FROM messages WHERE user_id = ? AND room_id = ? AND client_id = ?";

  /**
   * On PostgreSQL messages are partitioned by month and the client id keys are a table of their
   * own: the key gives the message's partition and primary key.
   */
  static final String BY_CLIENT_ID_PARTITIONED =
      "SELECT m.id, m.room_id, m.user_id, m.text, m.client_id, m.created_at, m.attachment"
          + " FROM message_client_ids k JOIN messages m"
          + " ON m.id = k.message_id AND m.created_at = k.created_at"
          + " WHERE k.user_id = ? AND k.room_id = ? AND k.client_id = ?";

  private final Database database;

  public MessageStore(Database database) {
    this.database = database;
  }

  /** Creates the room if it does not exist yet. */
  public void ensureRoom(String roomId, String kind) throws SQLException {
    try (Connection c = database.connection()) {
      try (PreparedStatement find = c.prepareStatement("SELECT 1 FROM rooms WHERE id = ?")) {
        find.setString(1, roomId);
        try (ResultSet rs = find.executeQuery()) {
          if (rs.next()) {
            return;
          }
        }
      }
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO rooms (id, kind, created_at) VALUES (?, ?, ?)")) {
        insert.setString(1, roomId);
        insert.setString(2, kind);
        insert.setObject(3, Sql.timestamp(Instant.now()));
        insert.executeUpdate();
      } catch (SQLException e) {
        if (!Sql.isUniqueViolation(e)) {
          throw e; // a concurrent first join created it: fine
        }
      }
    }
  }

  /**
   * A room's messages, newest first, with ids below {@code before} when given; from a replica that
   * has every message this node stored in the room, or from the primary.
   */
  public List<Message> history(String roomId, Long before, int limit) throws SQLException {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM messages WHERE room_id = ?"
            + (before != null ? " AND id < ?" : "")
            + " ORDER BY id DESC LIMIT ?";
    return database.read(
        Database.roomKey(roomId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, roomId);
            if (before != null) {
              ps.setLong(i++, before);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<Message> messages = new ArrayList<>(limit);
              while (rs.next()) {
                messages.add(read(rs));
              }
              return messages;
            }
          }
        });
  }

  /** The message a user already sent to this room with this clientId, if any. */
  public Optional<Message> findByClientId(
      Connection c, String userId, String roomId, String clientId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(database.isPostgres() ? BY_CLIENT_ID_PARTITIONED : BY_CLIENT_ID)) {
      ps.setString(1, userId);
      ps.setString(2, roomId);
      ps.setString(3, clientId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  static Message read(ResultSet rs) throws SQLException {
    return new Message(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        Sql.instant(rs.getObject(6)),
        rs.getString(7));
  }
}
