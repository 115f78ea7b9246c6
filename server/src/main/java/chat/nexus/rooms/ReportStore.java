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
import java.util.Optional;

/** Messages reported to a room's moderators. Blocking: call from a worker. */
public final class ReportStore {

  private final Database database;

  public ReportStore(Database database) {
    this.database = database;
  }

  /** The author of the room's message with this id, if there is one. */
  public Optional<String> author(String roomId, long messageId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT user_id FROM messages WHERE id = ? AND room_id = ?")) {
      ps.setLong(1, messageId);
      ps.setString(2, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Stores the report; the id of the reporter's earlier report of that message if there is one. */
  public long report(String roomId, long messageId, String reporterId, String reason)
      throws SQLException {
    try (Connection c = database.connection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO message_reports (room_id, message_id, reporter_id, reason, created_at)"
                  + " VALUES (?, ?, ?, ?, ?)",
              new String[] {"id"})) {
        ps.setString(1, roomId);
        ps.setLong(2, messageId);
        ps.setString(3, reporterId);
        ps.setString(4, reason);
        ps.setObject(5, Sql.timestamp(Instant.now()));
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      } catch (SQLException e) {
        if (!Sql.isUniqueViolation(e)) {
          throw e;
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id FROM message_reports WHERE message_id = ? AND reporter_id = ?")) {
        ps.setLong(1, messageId);
        ps.setString(2, reporterId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
  }

  /** The room's reports, newest first, with ids below {@code before} when above 0. */
  public List<JsonObject> reports(String roomId, long before, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT r.id, r.message_id, r.reporter_id, r.reason, r.created_at,"
                    + " (SELECT m.user_id FROM messages m WHERE m.id = r.message_id),"
                    + " (SELECT m.text FROM messages m WHERE m.id = r.message_id)"
                    + " FROM message_reports r WHERE r.room_id = ? AND r.id < ?"
                    + " ORDER BY r.id DESC LIMIT ?")) {
      ps.setString(1, roomId);
      ps.setLong(2, before > 0 ? before : Long.MAX_VALUE);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<JsonObject> reports = new ArrayList<>();
        while (rs.next()) {
          reports.add(
              new JsonObject()
                  .put("id", rs.getLong(1))
                  .put("roomId", roomId)
                  .put("messageId", rs.getLong(2))
                  .put("reporterId", rs.getString(3))
                  .put("reason", rs.getString(4))
                  .put("createdAt", Sql.instant(rs.getObject(5)).toString())
                  .put("authorId", rs.getString(6))
                  .put("text", rs.getString(7)));
        }
        return reports;
      }
    }
  }
}
