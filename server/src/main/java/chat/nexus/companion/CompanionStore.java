package chat.nexus.companion;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of companion conversations in {@code companion_chat_messages}. Every statement names
 * the user as well as the conversation, so that one user's ids never reach another's rows. Blocking
 * (JDBC): call from the Blocking pool. Timestamps are kept to the millisecond, so that what is
 * returned equals what is stored.
 */
public final class CompanionStore {

  private static final String COLUMNS =
      "id, user_id, character_id, conversation_id, role, content, created_at, swipes, swipe";
  private static final String INSERT =
      "INSERT INTO companion_chat_messages (user_id, character_id, conversation_id, role, content,"
          + " created_at, swipes, swipe) VALUES (?, ?, ?, ?, ?, ?, ?, 0)";
  private static final String ACTIVITY =
      "UPDATE companion_conversations SET activity_at = ?, last_message_id = ?"
          + " WHERE id = ? AND user_id = ?";
  // Served by the index on (conversation_id, user_id, id DESC).
  private static final String PAGE =
      "SELECT "
          + COLUMNS
          + " FROM companion_chat_messages WHERE conversation_id = ? AND user_id = ? AND id < ?"
          + " ORDER BY id DESC LIMIT ?";
  private static final String ONE =
      "SELECT "
          + COLUMNS
          + " FROM companion_chat_messages WHERE id = ? AND conversation_id = ? AND user_id = ?";
  private static final String UPDATE =
      "UPDATE companion_chat_messages SET content = ?, swipes = ?, swipe = ?"
          + " WHERE id = ? AND conversation_id = ? AND user_id = ?";

  private final Database database;

  public CompanionStore(Database database) {
    this.database = database;
  }

  /**
   * Stores a message (with its alternatives when {@code swipes} has more than one, the first one
   * chosen) and moves the conversation's activity; returns it with its id and createdAt.
   */
  public CompanionMessage append(
      CompanionConversation conversation, String role, String content, List<String> swipes)
      throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    boolean several = swipes != null && swipes.size() > 1;
    String stored = several ? swipes.get(0) : content;
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        long id;
        try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
          ps.setString(1, conversation.userId());
          ps.setString(2, conversation.characterId());
          ps.setLong(3, conversation.id());
          ps.setString(4, role);
          ps.setString(5, stored);
          ps.setObject(6, now.atOffset(ZoneOffset.UTC));
          if (several) {
            ps.setString(7, new JsonArray(swipes).encode());
          } else {
            ps.setNull(7, Types.VARCHAR);
          }
          ps.executeUpdate();
          try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
              throw new SQLException("no id generated for a companion message");
            }
            id = keys.getLong(1);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(ACTIVITY)) {
          ps.setObject(1, now.atOffset(ZoneOffset.UTC));
          ps.setLong(2, id);
          ps.setLong(3, conversation.id());
          ps.setString(4, conversation.userId());
          ps.executeUpdate();
        }
        c.commit();
        database.wrote(c, List.of(Database.userKey(conversation.userId())));
        return new CompanionMessage(
            id,
            conversation.userId(),
            conversation.characterId(),
            conversation.id(),
            role,
            stored,
            now,
            several ? swipes : null,
            0);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * Up to {@code limit} messages of a conversation with ids below {@code before} (null: the
   * newest), newest first, with every message this node stored for the user.
   */
  public List<CompanionMessage> page(CompanionConversation conversation, Long before, int limit)
      throws SQLException {
    return database.read(
        Database.userKey(conversation.userId()),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(PAGE)) {
            ps.setLong(1, conversation.id());
            ps.setString(2, conversation.userId());
            ps.setLong(3, before == null ? Long.MAX_VALUE : before);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<CompanionMessage> out = new ArrayList<>();
              while (rs.next()) {
                out.add(row(rs));
              }
              return out;
            }
          }
        });
  }

  /** A message of the conversation, or null. */
  public CompanionMessage get(CompanionConversation conversation, long messageId)
      throws SQLException {
    return database.read(
        Database.userKey(conversation.userId()),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ONE)) {
            ps.setLong(1, messageId);
            ps.setLong(2, conversation.id());
            ps.setString(3, conversation.userId());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? row(rs) : null;
            }
          }
        });
  }

  /** Writes a message's content, swipes and chosen swipe as {@code message} has them. */
  public void update(CompanionMessage message) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(UPDATE)) {
      ps.setString(1, message.content());
      if (message.swipes().size() > 1) {
        ps.setString(2, new JsonArray(message.swipes()).encode());
      } else {
        ps.setNull(2, Types.VARCHAR);
      }
      ps.setInt(3, message.swipe());
      ps.setLong(4, message.id());
      ps.setLong(5, message.conversationId());
      ps.setString(6, message.userId());
      ps.executeUpdate();
      database.wrote(c, List.of(Database.userKey(message.userId())));
    }
  }

  private static CompanionMessage row(ResultSet rs) throws SQLException {
    String swipes = rs.getString(8);
    List<String> list = new ArrayList<>();
    if (swipes != null) {
      new JsonArray(swipes).forEach(s -> list.add((String) s));
    }
    int swipe = rs.getInt(9);
    return new CompanionMessage(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getString(6),
        Sql.instant(rs.getObject(7)),
        list,
        list.isEmpty() ? 0 : swipe);
  }
}
