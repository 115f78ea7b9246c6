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

  /**
   * A message's columns ({@code m}) and, for a reply, those of the message it answers ({@code q},
   * same room): its quote follows the original's edits and deletion.
   */
  static final String COLUMNS =
      "m.id, m.room_id, m.user_id, m.text, m.client_id, m.created_at,"
          + " m.edited_at, m.deleted_at, m.reactions, m.reply_to_id, q.user_id, q.text, q.deleted_at,"
          + " m.attachment";

  static final String QUOTED =
      " LEFT JOIN messages q ON q.room_id = m.room_id AND q.id = m.reply_to_id";

  /** A message and its quote, read by {@link #read}. */
  static final String SELECT = "SELECT " + COLUMNS + " FROM messages m" + QUOTED;

  private static final String BY_CLIENT_ID =
      SELECT + " WHERE m.user_id = ? AND m.room_id = ? AND m.client_id = ?";

  /**
   * On PostgreSQL messages are partitioned by month and the client id keys are a table of their
   * own: the key gives the message's partition and primary key.
   */
  static final String BY_CLIENT_ID_PARTITIONED =
      "SELECT "
          + COLUMNS
          + " FROM message_client_ids k JOIN messages m"
          + " ON m.id = k.message_id AND m.created_at = k.created_at"
          + QUOTED
          + " WHERE k.user_id = ? AND k.room_id = ? AND k.client_id = ?";

  private final Database database;
  private final MessageChanges changes;

  public MessageStore(Database database) {
    this.database = database;
    this.changes = new MessageChanges(database);
  }

  /** Edits, deletes, reactions and reply quotes of the messages stored here. */
  public MessageChanges changes() {
    return changes;
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
        SELECT
            + " WHERE m.room_id = ?"
            + (before != null ? " AND m.id < ?" : "")
            + " ORDER BY m.id DESC LIMIT ?";
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

  /**
   * The page of a room's history centred on one message, newest first: the message, up to half of
   * {@code limit} older ones and the rest newer ones; NOT_FOUND when the message is not in the
   * room.
   */
  public List<Message> around(String roomId, long messageId, int limit) throws SQLException {
    int newer = (limit - 1) / 2;
    String older = SELECT + " WHERE m.room_id = ? AND m.id <= ? ORDER BY m.id DESC LIMIT ?";
    String after = SELECT + " WHERE m.room_id = ? AND m.id > ? ORDER BY m.id LIMIT ?";
    List<Message> page =
        database.read(
            Database.roomKey(roomId),
            c -> {
              List<Message> messages = new ArrayList<>(limit);
              if (newer > 0) {
                messages.addAll(list(c, after, roomId, messageId, newer));
                java.util.Collections.reverse(messages);
              }
              messages.addAll(list(c, older, roomId, messageId, limit - newer));
              return messages;
            });
    if (page.stream().noneMatch(m -> m.id() == messageId)) {
      throw chat.nexus.errors.ApiException.notFound("no message " + messageId + " in this room");
    }
    return page;
  }

  private static List<Message> list(Connection c, String sql, String roomId, long id, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, roomId);
      ps.setLong(2, id);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Message> messages = new ArrayList<>(limit);
        while (rs.next()) {
          messages.add(read(rs));
        }
        return messages;
      }
    }
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

  /** A message in the order of {@link #COLUMNS}. */
  static Message read(ResultSet rs) throws SQLException {
    long replyTo = rs.getLong(10);
    Message.Quote quote = null;
    if (!rs.wasNull()) {
      String quotedUser = rs.getString(11);
      // the original may be gone with its month's partition: an empty quote then
      quote =
          Message.Quote.of(
              replyTo,
              quotedUser == null ? "" : quotedUser,
              rs.getString(12),
              quotedUser == null || rs.getObject(13) != null);
    }
    Object editedAt = rs.getObject(7);
    Object deletedAt = rs.getObject(8);
    return new Message(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        Sql.instant(rs.getObject(6)),
        editedAt == null ? null : Sql.instant(editedAt),
        deletedAt == null ? null : Sql.instant(deletedAt),
        quote,
        rs.getString(9),
        rs.getString(14));
  }
}
