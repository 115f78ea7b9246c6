package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Characters and their views, in JDBC. Blocking: call from a worker. Besides the card, a row keeps
 * what the public list and the gallery show, made once when it is stored: the list's line ({@code
 * summary}), the number of users who viewed it ({@code view_count}), the original PNG ({@code
 * avatar}) and its thumbnail ({@code avatar_thumbnail}), its search keys ({@link CharacterSearch});
 * and who owns it, who sees it, and whether it was deleted ({@link StoredCharacter}). The lists are
 * read by {@link CharacterPages}.
 */
public final class CharacterStore {

  /** Reads of characters see every character and view this node stored. */
  static final String TABLE = Database.tableKey("characters");

  private final Database database;

  public CharacterStore(Database database) {
    this.database = database;
  }

  Database database() {
    return database;
  }

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
                    + " avatar_thumbnail, summary, owner_id, visibility, name_key, tag_keys)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
      ps.setString(9, character.ownerId());
      ps.setString(10, character.visibility().key());
      ps.setString(11, CharacterSearch.nameKey(character.card()));
      ps.setString(12, CharacterSearch.tagKeys(character.card()));
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
            "SELECT id, card, created_by, created_at, avatar IS NOT NULL, owner_id, visibility,"
                + " deleted_at IS NOT NULL FROM characters WHERE id = ?")) {
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
                rs.getBoolean(5),
                rs.getString(6),
                visibility(rs.getString(7)),
                rs.getBoolean(8)));
      }
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

  /** An unknown stored visibility hides the card rather than shows it. */
  static StoredCharacter.Visibility visibility(String key) {
    StoredCharacter.Visibility v = StoredCharacter.Visibility.of(key);
    return v == null ? StoredCharacter.Visibility.PRIVATE : v;
  }

  /** Replaces a character's card (and what is made from it: its list line and search keys). */
  void replaceCard(StoredCharacter character) throws SQLException {
    update(
        "UPDATE characters SET card = ?, name = ?, summary = ?, name_key = ?, tag_keys = ?,"
            + " updated_at = ? WHERE id = ?",
        character.card().json(),
        character.card().name(),
        CharacterSummary.json(
            character.id(), character.card(), character.hasAvatar(), character.createdAt()),
        CharacterSearch.nameKey(character.card()),
        CharacterSearch.tagKeys(character.card()),
        OffsetDateTime.now(ZoneOffset.UTC),
        character.id());
  }

  void setVisibility(String id, StoredCharacter.Visibility visibility) throws SQLException {
    update(
        "UPDATE characters SET visibility = ?, updated_at = ? WHERE id = ?",
        visibility.key(),
        OffsetDateTime.now(ZoneOffset.UTC),
        id);
  }

  /** Replaces the picture (the original PNG and its thumbnail) and the list line that says so. */
  void replaceAvatar(StoredCharacter character, byte[] png, byte[] thumbnail) throws SQLException {
    update(
        "UPDATE characters SET avatar = ?, avatar_thumbnail = ?, summary = ?, updated_at = ?"
            + " WHERE id = ?",
        png,
        thumbnail,
        CharacterSummary.json(character.id(), character.card(), true, character.createdAt()),
        OffsetDateTime.now(ZoneOffset.UTC),
        character.id());
  }

  /** Deletes a character for its owner; the row stays for the conversations people had with it. */
  void markDeleted(String id) throws SQLException {
    update(
        "UPDATE characters SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        OffsetDateTime.now(ZoneOffset.UTC),
        id);
  }

  /** Whether the user has talked with the character (has a message with it). */
  boolean talkedWith(String userId, String characterId) throws SQLException {
    return database.read(
        Database.userKey(userId),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM companion_chat_messages WHERE user_id = ? AND character_id = ?"
                      + " LIMIT 1")) {
            ps.setString(1, userId);
            ps.setString(2, characterId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  private void update(String sql, Object... values) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] instanceof byte[] bytes) {
          ps.setBytes(i + 1, bytes);
        } else {
          ps.setObject(i + 1, values[i]);
        }
      }
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
