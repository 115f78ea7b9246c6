package chat.nexus.store;

import chat.nexus.errors.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes to stored messages: edits, deletes and reaction toggles, each one transaction on the
 * primary that locks the message's row first (concurrent changes to one message queue up, so a
 * reactions summary is never rebuilt from a stale one), and quotes for replies. After each commit
 * the room is marked written ({@link Database#wrote}), so the next history read on this node sees
 * the change even from a replica. Blocking: call from a worker.
 */
public final class MessageChanges {

  /** Distinct emoji one message may carry: a row of chips, not a wall. */
  public static final int MAX_EMOJI_PER_MESSAGE = 20;

  /** User ids listed with each emoji's count (the first to react); the count says how many. */
  public static final int REACTION_USERS_SHOWN = 5;

  /**
   * A message after a change; {@code changed} is false when the change was already made (a second
   * delete, an edit to the same text), and nothing needs announcing; {@code removedAttachment} is
   * the attachment (its JSON text) that a delete took off the message, or null.
   */
  public record Change(Message message, boolean changed, String removedAttachment) {
    public Change(Message message, boolean changed) {
      this(message, changed, null);
    }
  }

  /** A message after a reaction toggle; {@code reacted}: the user's reaction is now there. */
  public record Toggle(Message message, boolean reacted) {}

  /** What the lock read of a message gives. */
  private record Row(String userId, String text, Instant createdAt, boolean deleted) {}

  private static final String LOCK =
      "SELECT user_id, text, created_at, deleted_at FROM messages"
          + " WHERE room_id = ? AND id = ? FOR UPDATE";

  private static final String WHERE_ROW = " WHERE room_id = ? AND id = ? AND created_at = ?";

  private final Database database;

  public MessageChanges(Database database) {
    this.database = database;
  }

  /** Replaces the text of {@code userId}'s own message. */
  public Change edit(String roomId, long id, String userId, String text) throws SQLException {
    return inTransaction(
        roomId,
        c -> {
          Row row = lock(c, roomId, id);
          if (!row.userId().equals(userId)) {
            throw ApiException.forbidden("only its author may edit a message");
          }
          if (row.deleted()) {
            throw ApiException.badRequest("a deleted message cannot be edited");
          }
          if (row.text().equals(text)) {
            return new Change(full(c, roomId, id), false);
          }
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE messages SET text = ?, edited_at = ?" + WHERE_ROW)) {
            ps.setString(1, text);
            ps.setObject(2, Sql.timestamp(now()));
            bindRow(ps, 3, roomId, id, row);
            ps.executeUpdate();
          }
          return new Change(full(c, roomId, id), true);
        });
  }

  /**
   * Deletes a message: its author's, or anyone's when {@code moderator}. The text is emptied; its
   * reactions and the quote it carried (when a reply) go with it.
   */
  public Change delete(String roomId, long id, String userId, boolean moderator)
      throws SQLException {
    return inTransaction(
        roomId,
        c -> {
          Row row = lock(c, roomId, id);
          if (!row.userId().equals(userId) && !moderator) {
            throw ApiException.forbidden("only its author or a moderator may delete a message");
          }
          if (row.deleted()) {
            return new Change(full(c, roomId, id), false);
          }
          String attachment = full(c, roomId, id).attachment();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE messages SET text = '', deleted_at = ?, reactions = NULL, reply_to_id = NULL,"
                      + " attachment = NULL"
                      + WHERE_ROW)) {
            ps.setObject(1, Sql.timestamp(now()));
            bindRow(ps, 2, roomId, id, row);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM message_reactions WHERE message_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
          }
          return new Change(full(c, roomId, id), true, attachment);
        });
  }

  /** Adds {@code userId}'s reaction with {@code emoji}, or takes it back when it is there. */
  public Toggle react(String roomId, long id, String userId, String emoji) throws SQLException {
    return inTransaction(
        roomId,
        c -> {
          Row row = lock(c, roomId, id);
          if (row.deleted()) {
            throw ApiException.badRequest("a deleted message takes no reactions");
          }
          JsonArray summary = summary(c, roomId, id);
          boolean reacted = !removeReaction(c, id, emoji, userId);
          if (reacted) {
            if (indexOf(summary, emoji) < 0 && summary.size() >= MAX_EMOJI_PER_MESSAGE) {
              throw ApiException.badRequest(
                  "a message takes at most " + MAX_EMOJI_PER_MESSAGE + " different emoji");
            }
            addReaction(c, roomId, id, emoji, userId, row.createdAt());
          }
          JsonObject entry = entry(c, id, emoji);
          int at = indexOf(summary, emoji);
          if (entry == null) {
            summary.remove(at);
          } else if (at < 0) {
            summary.add(entry);
          } else {
            summary.set(at, entry);
          }
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE messages SET reactions = ?" + WHERE_ROW)) {
            ps.setString(1, summary.isEmpty() ? null : summary.encode());
            bindRow(ps, 2, roomId, id, row);
            ps.executeUpdate();
          }
          return new Toggle(full(c, roomId, id), reacted);
        });
  }

  /**
   * The quote of the message a reply answers: it must be in the same room and not deleted. Read
   * like history (a replica that has this node's writes to the room), then from the primary when
   * the replica does not have it (another node may have stored it a moment ago).
   */
  public Message.Quote quote(String roomId, long id) throws SQLException {
    Optional<Row> row = database.read(Database.roomKey(roomId), c -> find(c, roomId, id, false));
    if (row.isEmpty()) {
      try (Connection c = database.connection()) {
        row = find(c, roomId, id, false);
      }
    }
    Row found =
        row.orElseThrow(() -> ApiException.notFound("replyTo: no such message in this room"));
    if (found.deleted()) {
      throw ApiException.badRequest("replyTo: a deleted message cannot be replied to");
    }
    return Message.Quote.of(id, found.userId(), found.text(), false);
  }

  /**
   * The emoji {@code userId} reacted with on each of these messages (at most a page of history);
   * messages without any are left out.
   */
  public Map<Long, List<String>> reactedWith(String roomId, String userId, List<Long> ids)
      throws SQLException {
    Map<Long, List<String>> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    String sql =
        "SELECT message_id, emoji FROM message_reactions WHERE user_id = ? AND room_id = ?"
            + " AND message_id IN ("
            + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
            + ") ORDER BY message_id, created_at";
    return database.read(
        Database.roomKey(roomId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, userId);
            ps.setString(2, roomId);
            for (int i = 0; i < ids.size(); i++) {
              ps.setLong(3 + i, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
              }
            }
          }
          return found;
        });
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(String roomId, Work<T> work) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      T result;
      try {
        result = work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
      database.wrote(c, Set.of(Database.roomKey(roomId)));
      return result;
    }
  }

  private static Row lock(Connection c, String roomId, long id) throws SQLException {
    return find(c, roomId, id, true)
        .orElseThrow(() -> ApiException.notFound("no such message in this room"));
  }

  private static Optional<Row> find(Connection c, String roomId, long id, boolean forUpdate)
      throws SQLException {
    String sql =
        forUpdate
            ? LOCK
            : "SELECT user_id, text, created_at, deleted_at FROM messages"
                + " WHERE room_id = ? AND id = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, roomId);
      ps.setLong(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Row(
                rs.getString(1),
                rs.getString(2),
                Sql.instant(rs.getObject(3)),
                rs.getObject(4) != null));
      }
    }
  }

  private static void bindRow(PreparedStatement ps, int from, String roomId, long id, Row row)
      throws SQLException {
    ps.setString(from, roomId);
    ps.setLong(from + 1, id);
    ps.setObject(from + 2, Sql.timestamp(row.createdAt()));
  }

  /** The message as history shows it, read inside the change's transaction. */
  private static Message full(Connection c, String roomId, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(MessageStore.SELECT + " WHERE m.room_id = ? AND m.id = ?")) {
      ps.setString(1, roomId);
      ps.setLong(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw ApiException.notFound("no such message in this room");
        }
        return MessageStore.read(rs);
      }
    }
  }

  private static JsonArray summary(Connection c, String roomId, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT reactions FROM messages WHERE room_id = ? AND id = ?")) {
      ps.setString(1, roomId);
      ps.setLong(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        String json = rs.next() ? rs.getString(1) : null;
        return json == null ? new JsonArray() : new JsonArray(json);
      }
    }
  }

  private static int indexOf(JsonArray summary, String emoji) {
    for (int i = 0; i < summary.size(); i++) {
      if (emoji.equals(summary.getJsonObject(i).getString("emoji"))) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the user's reaction was there (and is now gone). */
  private static boolean removeReaction(Connection c, long id, String emoji, String userId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM message_reactions WHERE message_id = ? AND emoji = ? AND user_id = ?")) {
      ps.setLong(1, id);
      ps.setString(2, emoji);
      ps.setString(3, userId);
      return ps.executeUpdate() > 0;
    }
  }

  private static void addReaction(
      Connection c, String roomId, long id, String emoji, String userId, Instant messageCreatedAt)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO message_reactions"
                + " (message_id, emoji, user_id, room_id, created_at, message_created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, emoji);
      ps.setString(3, userId);
      ps.setString(4, roomId);
      ps.setObject(5, Sql.timestamp(now()));
      ps.setObject(6, Sql.timestamp(messageCreatedAt));
      ps.executeUpdate();
    }
  }

  /**
   * One emoji's summary entry {emoji, count, userIds (the first {@link #REACTION_USERS_SHOWN})}, or
   * null when nobody reacts with it any more.
   */
  private static JsonObject entry(Connection c, long id, String emoji) throws SQLException {
    long count;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM message_reactions WHERE message_id = ? AND emoji = ?")) {
      ps.setLong(1, id);
      ps.setString(2, emoji);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        count = rs.getLong(1);
      }
    }
    if (count == 0) {
      return null;
    }
    List<String> users = new ArrayList<>(REACTION_USERS_SHOWN);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT user_id FROM message_reactions WHERE message_id = ? AND emoji = ?"
                + " ORDER BY created_at, user_id LIMIT "
                + REACTION_USERS_SHOWN)) {
      ps.setLong(1, id);
      ps.setString(2, emoji);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getString(1));
        }
      }
    }
    return new JsonObject()
        .put("emoji", emoji)
        .put("count", count)
        .put("userIds", new JsonArray(users));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
