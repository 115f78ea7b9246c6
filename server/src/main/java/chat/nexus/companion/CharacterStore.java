package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Characters and their views, in JDBC. Blocking: call from a worker. Besides the card, a row keeps
 * what the public list and the gallery show, made once when it is stored: the list's line ({@code
 * summary}), the number of users who viewed it ({@code view_count}), the original PNG ({@code
 * avatar}) and its thumbnail ({@code avatar_thumbnail}).
 */
public final class CharacterStore {

  private static final Logger LOG = LoggerFactory.getLogger(CharacterStore.class);
  private static final String PAGE_COLUMNS =
      "SELECT c.id, c.summary, c.view_count, CASE WHEN c.summary IS NULL THEN c.card END,"
          + " c.avatar IS NOT NULL, c.created_at FROM characters c";

  /** Reads of characters see every character and view this node stored. */
  private static final String TABLE = Database.tableKey("characters");

  private final Database database;

  public CharacterStore(Database database) {
    this.database = database;
  }

  /**
   * Lines of the list, newest first, each with its views; {@code nextBefore} is the cursor of the
   * next page, or null.
   */
  record Page(List<String> lines, String nextBefore) {}

  /**
   * A character's thumbnail (null when not made yet) and whether it has an original picture at all.
   */
  record AvatarRow(byte[] thumbnail, boolean hasOriginal) {}

  /** Stores a new character with what its upload carried (PNG and thumbnail, or none). */
  public void insert(StoredCharacter character, CardUpload upload) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO characters (id, name, card, created_by, created_at, avatar,"
                    + " avatar_thumbnail, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, character.id());
      ps.setString(2, character.card().name());
      ps.setString(3, character.card().json());
      ps.setString(4, character.createdBy());
      ps.setObject(5, character.createdAt().atOffset(ZoneOffset.UTC));
      ps.setBytes(6, upload.png());
      ps.setBytes(7, upload.thumbnail());
      ps.setString(
          8,
          CharacterSummary.json(
              character.id(), character.card(), upload.png() != null, character.createdAt()));
      ps.executeUpdate();
      database.wrote(c, List.of(TABLE));
    }
  }

  /** Whether there is at least one character. */
  public boolean any() throws SQLException {
    return database.read(
        TABLE,
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM characters LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
  }

  public Optional<StoredCharacter> get(String id) throws SQLException {
    return database.read(TABLE, c -> get(c, id));
  }

  private static Optional<StoredCharacter> get(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, card, created_by, created_at, avatar IS NOT NULL FROM characters WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        CharacterCard card;
        try {
          card = CharacterCard.stored(rs.getString(2));
        } catch (ApiException e) {
          throw new SQLException(
              "character " + id + " has an unreadable stored card: " + e.getMessage());
        }
        return Optional.of(
            new StoredCharacter(
                rs.getString(1),
                card,
                rs.getString(3),
                Sql.instant(rs.getObject(4)),
                rs.getBoolean(5)));
      }
    }
  }

  /**
   * Up to {@code limit} lines, newest first, after the character {@code before} (null: from the
   * newest; an unknown id: an empty page). A row stored before summaries existed gets its line now,
   * written back once.
   */
  Page page(String before, int limit) throws SQLException {
    String sql =
        PAGE_COLUMNS
            + (before == null
                ? ""
                : " JOIN characters b ON b.id = ? WHERE c.created_at < b.created_at OR (c.created_at = b.created_at AND c.id > b.id)")
            + " ORDER BY c.created_at DESC, c.id LIMIT ?";
    Map<String, String> made = new LinkedHashMap<>();
    Page page = database.read(TABLE, c -> readPage(c, sql, before, limit, made));
    if (!made.isEmpty()) {
      // written on the primary: the page may have been read on a replica
      try (Connection c = database.connection();
          PreparedStatement update =
              c.prepareStatement(
                  "UPDATE characters SET summary = ? WHERE id = ? AND summary IS NULL")) {
        for (Map.Entry<String, String> line : made.entrySet()) {
          update.setString(1, line.getValue());
          update.setString(2, line.getKey());
          update.addBatch();
        }
        update.executeBatch();
      }
    }
    return page;
  }

  /** The page's rows; the lines made for rows without a summary go into {@code made}. */
  private static Page readPage(
      Connection c, String sql, String before, int limit, Map<String, String> made)
      throws SQLException {
    made.clear();
    List<String> lines = new ArrayList<>();
    String last = null;
    int scanned = 0;
    boolean more = false;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int index = 1;
      if (before != null) {
        ps.setString(index++, before);
      }
      ps.setInt(index, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (scanned == limit) {
            more = true;
            break;
          }
          scanned++;
          String id = rs.getString(1);
          last = id;
          String summary = rs.getString(2);
          if (summary == null) {
            summary =
                summaryOf(id, rs.getString(4), rs.getBoolean(5), Sql.instant(rs.getObject(6)));
            if (summary == null) {
              continue;
            }
            made.put(id, summary);
          }
          lines.add(CharacterSummary.withViews(summary, rs.getLong(3)));
        }
      }
    }
    return new Page(lines, more ? last : null);
  }

  private static String summaryOf(String id, String card, boolean hasAvatar, Instant createdAt) {
    try {
      return CharacterSummary.json(id, CharacterCard.stored(card), hasAvatar, createdAt);
    } catch (ApiException e) {
      LOG.warn(
          "character {} has an unreadable stored card, left out of the list: {}",
          id,
          e.getMessage());
      return null;
    }
  }

  /** The thumbnail row of a character, if there is such a character. */
  Optional<AvatarRow> thumbnail(String id) throws SQLException {
    return database.read(
        TABLE,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT avatar_thumbnail, avatar IS NOT NULL FROM characters WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new AvatarRow(rs.getBytes(1), rs.getBoolean(2)))
                  : Optional.empty();
            }
          }
        });
  }

  /** The PNG a character was imported from, if any. */
  public Optional<byte[]> avatar(String id) throws SQLException {
    return database.read(
        TABLE,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT avatar FROM characters WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
          }
        });
  }

  void saveThumbnail(String id, byte[] thumbnail) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE characters SET avatar_thumbnail = ? WHERE id = ?")) {
      ps.setBytes(1, thumbnail);
      ps.setString(2, id);
      ps.executeUpdate();
      database.wrote(c, List.of(TABLE));
    }
  }

  /**
   * Records that the user viewed the character, once per user: the first view adds a row and counts
   * it, later ones change nothing. Whether this one was the first.
   */
  public boolean recordView(String characterId, String userId) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        int added;
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO character_views (character_id, user_id, viewed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
          ps.setString(1, characterId);
          ps.setString(2, userId);
          ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
          added = ps.executeUpdate();
        }
        if (added > 0) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE characters SET view_count = view_count + 1 WHERE id = ?")) {
            ps.setString(1, characterId);
            ps.executeUpdate();
          }
        }
        // Not recorded as a write for read-your-writes: a view changes only a count, which a
        // list read on a replica may show a moment late, and recording every view would keep
        // the character list on the primary whenever anyone looks at a character.
        c.commit();
        return added > 0;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }
}
