package chat.nexus.conversations;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The conversation list's queries, read markers and mentions. Blocking: call from a worker ({@link
 * Conversations}).
 */
public final class ConversationStore {

  /**
   * Memberships looked at for one list: the newest activity of each is one index probe on
   * messages(room_id, id DESC), so a user in thousands of rooms still costs a bounded query.
   */
  static final int MAX_MEMBERSHIPS_SCANNED = 1_000;

  /** Unread messages and mentions are counted up to this (the client shows "99+"). */
  static final int COUNT_CAP = 100;

  /** Characters of a last message's text sent with the list. */
  static final int PREVIEW_CHARS = 200;

  /**
   * The user's rooms by newest message, with the last message and what came after the read marker.
   * The inner select picks the page by one probe per membership on messages(room_id, id DESC); for
   * the page only, window_id is the id of the room's {@link #COUNT_CAP}th newest message, so the
   * unread count reads at most that many index entries (unread_more: there may be more). The
   * mention count is a range of the mentions primary key. OFFSET 0 keeps PostgreSQL from folding d
   * into the outer query, which would run its probes twice.
   */
  static final String ROOMS =
      "SELECT d.room_id, d.last_read_id, d.joined_at, r.name,"
          + " lm.id, lm.user_id, SUBSTRING(lm.text FROM 1 FOR "
          + (PREVIEW_CHARS + 1)
          + "), lm.created_at,"
          + " (SELECT COUNT(*) FROM messages m WHERE m.room_id = d.room_id"
          + "   AND m.id > d.last_read_id AND m.id >= COALESCE(d.window_id, 0) AND m.user_id <> ?),"
          + " (SELECT COUNT(*) FROM mentions x WHERE x.user_id = ? AND x.room_id = d.room_id"
          + "   AND x.message_id > d.last_read_id),"
          + " CASE WHEN d.window_id > d.last_read_id THEN 1 ELSE 0 END"
          + " FROM (SELECT c.room_id, c.last_read_id, c.joined_at, c.last_id,"
          + "   (SELECT w.id FROM messages w WHERE w.room_id = c.room_id ORDER BY w.id DESC"
          + "     OFFSET "
          + (COUNT_CAP - 1)
          + " ROWS FETCH NEXT 1 ROW ONLY) AS window_id"
          + "   FROM (SELECT rm.room_id, rm.last_read_id, rm.joined_at,"
          + "     (SELECT MAX(m.id) FROM messages m WHERE m.room_id = rm.room_id) AS last_id"
          + "     FROM (SELECT room_id, last_read_id, joined_at FROM room_members WHERE user_id = ?"
          + "       ORDER BY room_id LIMIT "
          + MAX_MEMBERSHIPS_SCANNED
          + ") rm"
          + "     ORDER BY last_id DESC NULLS LAST, rm.joined_at DESC LIMIT ?) c OFFSET 0) d"
          + " LEFT JOIN rooms r ON r.id = d.room_id"
          + " LEFT JOIN messages lm ON lm.room_id = d.room_id AND lm.id = d.last_id"
          + " ORDER BY d.last_id DESC NULLS LAST, d.joined_at DESC";

  /**
   * The characters the user has talked to, newest first, with the last line of each. The group
   * reads the user's rows of the (user_id, character_id, created_at DESC) index.
   */
  private static final String COMPANIONS =
      "SELECT g.character_id, ch.name, cm.id, cm.role, SUBSTRING(cm.content FROM 1 FOR "
          + (PREVIEW_CHARS + 1)
          + "), cm.created_at, g.id, g.title, g.activity_at"
          + " FROM (SELECT id, character_id, title, activity_at, last_message_id"
          + "   FROM companion_conversations WHERE user_id = ?"
          + "   ORDER BY activity_at DESC, id DESC LIMIT ?) g"
          + " LEFT JOIN characters ch ON ch.id = g.character_id"
          + " LEFT JOIN companion_chat_messages cm ON cm.id = g.last_message_id"
          + "   AND cm.created_at = g.activity_at"
          + " ORDER BY g.activity_at DESC, g.id DESC";

  /** Read markers written in one transaction at most. */
  static final int MARKERS_PER_TRANSACTION = 1_000;

  private static final String ADVANCE =
      "UPDATE room_members SET last_read_id = ? WHERE room_id = ? AND user_id = ?"
          + " AND last_read_id < ?";

  private final Database database;

  public ConversationStore(Database database) {
    this.database = database;
  }

  /** A room row of the list, before names are filled in. */
  record RoomRow(
      String roomId,
      long lastReadId,
      Instant joinedAt,
      String name,
      LastMessage last,
      int unread,
      boolean unreadMore,
      int mentions) {}

  /** A conversation's last message, its text cut to {@link #PREVIEW_CHARS}. */
  record LastMessage(long id, String userId, String role, String text, Instant createdAt) {}

  /** A companion conversation of the list. */
  /** A companion conversation of the list; {@code last} null when its messages are gone. */
  record CompanionRow(
      long conversationId,
      String characterId,
      String name,
      String title,
      Instant activity,
      LastMessage last) {}

  List<RoomRow> rooms(String userId, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(ROOMS)) {
      ps.setString(1, userId);
      ps.setString(2, userId);
      ps.setString(3, userId);
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<RoomRow> rows = new ArrayList<>();
        while (rs.next()) {
          long lastId = rs.getLong(5);
          LastMessage last =
              rs.wasNull()
                  ? null
                  : new LastMessage(
                      lastId, rs.getString(6), null, rs.getString(7), Sql.instant(rs.getObject(8)));
          rows.add(
              new RoomRow(
                  rs.getString(1),
                  rs.getLong(2),
                  Sql.instant(rs.getObject(3)),
                  rs.getString(4),
                  last,
                  rs.getInt(9),
                  rs.getInt(11) == 1,
                  rs.getInt(10)));
        }
        return rows;
      }
    }
  }

  List<CompanionRow> companions(String userId, int limit) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(COMPANIONS)) {
      ps.setString(1, userId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<CompanionRow> rows = new ArrayList<>();
        while (rs.next()) {
          String role = rs.getString(4);
          long messageId = rs.getLong(3);
          LastMessage last =
              rs.wasNull()
                  ? null
                  : new LastMessage(
                      messageId,
                      "user".equals(role) ? userId : null,
                      role,
                      rs.getString(5),
                      Sql.instant(rs.getObject(6)));
          rows.add(
              new CompanionRow(
                  rs.getLong(7),
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(8),
                  Sql.instant(rs.getObject(9)),
                  last));
        }
        return rows;
      }
    }
  }

  /** The other members' read markers of these direct rooms: room id to (user id, marker). */
  Map<String, Map.Entry<String, Long>> peerMarkers(Collection<String> roomIds, String userId)
      throws SQLException {
    Map<String, Map.Entry<String, Long>> markers = new HashMap<>();
    if (roomIds.isEmpty()) {
      return markers;
    }
    String sql =
        "SELECT room_id, user_id, last_read_id FROM room_members WHERE room_id IN ("
            + placeholders(roomIds.size())
            + ") AND user_id <> ?";
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (String roomId : roomIds) {
        ps.setString(i++, roomId);
      }
      ps.setString(i, userId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          markers.put(rs.getString(1), Map.entry(rs.getString(2), rs.getLong(3)));
        }
      }
    }
    return markers;
  }

  /** Display names of these users (those that exist). */
  Map<String, String> names(Collection<String> userIds) throws SQLException {
    Map<String, String> names = new HashMap<>();
    if (userIds.isEmpty()) {
      return names;
    }
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, name FROM users WHERE id IN (" + placeholders(userIds.size()) + ")")) {
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

  /** The newest message id of the room (0 when it has none). */
  long newestId(String roomId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT MAX(id) FROM messages WHERE room_id = ?")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Moves read markers forward (never back), in key order, {@link #MARKERS_PER_TRANSACTION} to a
   * transaction: two nodes writing the same markers lock their rows in the same order and never
   * wait for each other in a circle, and a large batch neither holds row locks long (a role change,
   * a leave or another node's markers wait for them) nor makes one long commit (on H2 the message
   * writer's commits wait behind it). A failure may leave the first transactions written: writing
   * them again moves nothing.
   */
  void advance(Map<ReadMarkers.Key, Long> unordered) throws SQLException {
    if (unordered.isEmpty()) {
      return;
    }
    Map<ReadMarkers.Key, Long> markers =
        new TreeMap<>(
            Comparator.comparing(ReadMarkers.Key::roomId).thenComparing(ReadMarkers.Key::userId));
    markers.putAll(unordered);
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(ADVANCE)) {
        int inTransaction = 0;
        for (Map.Entry<ReadMarkers.Key, Long> marker : markers.entrySet()) {
          ps.setLong(1, marker.getValue());
          ps.setString(2, marker.getKey().roomId());
          ps.setString(3, marker.getKey().userId());
          ps.setLong(4, marker.getValue());
          ps.addBatch();
          if (++inTransaction == MARKERS_PER_TRANSACTION) {
            ps.executeBatch();
            c.commit();
            inTransaction = 0;
          }
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * The room's members (at most {@code limit}) as lists of their id followed by their lower-case
   * names, one per column {@link MentionNames#CANDIDATE_COLUMNS} lists (null where a column is).
   */
  List<List<String>> memberNames(String roomId, int limit) throws SQLException {
    StringBuilder columns = new StringBuilder();
    for (String column : MentionNames.CANDIDATE_COLUMNS) {
      columns.append(", LOWER(u.").append(column).append(')');
    }
    String sql =
        "SELECT u.id"
            + columns
            + " FROM room_members rm JOIN users u ON u.id = rm.user_id WHERE rm.room_id = ?"
            + " LIMIT "
            + limit;
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        List<List<String>> members = new ArrayList<>();
        int width = 1 + MentionNames.CANDIDATE_COLUMNS.size();
        while (rs.next()) {
          List<String> member = new ArrayList<>(width);
          for (int i = 1; i <= width; i++) {
            member.add(rs.getString(i));
          }
          members.add(member);
        }
        return members;
      }
    }
  }

  /**
   * The ids of the room's members named by one of these lower-case names: a display name, a
   * username, or any other column {@link MentionNames#CANDIDATE_COLUMNS} lists.
   */
  List<String> membersNamed(String roomId, Collection<String> names) throws SQLException {
    String in = placeholders(names.size());
    StringBuilder match = new StringBuilder();
    for (String column : MentionNames.CANDIDATE_COLUMNS) {
      match.append(match.length() == 0 ? "" : " OR ").append("LOWER(u.").append(column);
      match.append(") IN (").append(in).append(')');
    }
    String sql =
        "SELECT u.id FROM room_members rm JOIN users u ON u.id = rm.user_id"
            + " WHERE rm.room_id = ? AND ("
            + match
            + ") ORDER BY u.id LIMIT "
            + MentionNames.MAX_MENTIONS;
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, roomId);
      for (int column = 0; column < MentionNames.CANDIDATE_COLUMNS.size(); column++) {
        for (String name : names) {
          ps.setString(i++, name);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<String> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
        return ids;
      }
    }
  }

  /**
   * Who the room's messages with ids from {@code fromId} to {@code toId} mention: message id to
   * user ids (at most a history page's messages times {@link MentionNames#MAX_MENTIONS} rows).
   */
  Map<Long, List<String>> mentionsOf(String roomId, long fromId, long toId) throws SQLException {
    Map<Long, List<String>> found = new HashMap<>();
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT message_id, user_id FROM mentions WHERE room_id = ?"
                    + " AND message_id BETWEEN ? AND ? ORDER BY message_id, user_id")) {
      ps.setString(1, roomId);
      ps.setLong(2, fromId);
      ps.setLong(3, toId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return found;
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }
}
