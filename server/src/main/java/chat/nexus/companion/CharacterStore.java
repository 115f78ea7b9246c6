package chat.nexus.companion;

import chat.nexus.store.Sql;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Characters and their views, in JDBC. Blocking: call from a worker. */
public final class CharacterStore {

  /** The most characters the list returns, newest first. */
  public static final int LIST_LIMIT = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(CharacterStore.class);

  private final Database database;

  public CharacterStore(Database database) {
    this.database = database;
  }

  /** Stores a new character; avatar is the PNG it came from, or null. */
  public void insert(StoredCharacter character, byte[] avatar) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO characters (id, name, card, created_by, created_at, avatar) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, character.id());
      ps.setString(2, character.card().name());
      ps.setString(3, character.card().json());
      ps.setString(4, character.createdBy());
      ps.setObject(5, character.createdAt().atOffset(ZoneOffset.UTC));
      ps.setBytes(6, avatar);
      ps.executeUpdate();
    }
  }

  /** Whether there is at least one character. */
  public boolean any() throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM characters LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  public Optional<StoredCharacter> get(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id, card, created_by, created_at, avatar IS NOT NULL FROM characters WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        CharacterCard card;
        try {
          card = CharacterCard.parse(rs.getString(2));
        } catch (ApiException e) {
          throw new SQLException("character " + id + " has an unreadable stored card: " + e.getMessage());
        }
        return Optional.of(new StoredCharacter(rs.getString(1), card, rs.getString(3), Sql.instant(rs.getObject(4)), rs.getBoolean(5)));
      }
    }
  }

  /** The PNG a character was imported from, if any. */
  public Optional<byte[]> avatar(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("SELECT avatar FROM characters WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
      }
    }
  }

  /** Newest first, at most {@link #LIST_LIMIT}, each with its number of views. */
  public List<CharacterSummary> list() throws SQLException {
    String sql = "SELECT c.id, c.card, c.avatar IS NOT NULL, COALESCE(v.n, 0), c.created_at FROM characters c"
        + " LEFT JOIN (SELECT character_id, COUNT(*) AS n FROM character_views GROUP BY character_id) v"
        + " ON v.character_id = c.id ORDER BY c.created_at DESC, c.id LIMIT " + LIST_LIMIT;
    List<CharacterSummary> out = new ArrayList<>();
    try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        CharacterCard card;
        try {
          card = CharacterCard.parse(rs.getString(2));
        } catch (ApiException e) {
          LOG.warn("character {} has an unreadable stored card, left out of the list: {}", rs.getString(1), e.getMessage());
          continue;
        }
        out.add(CharacterSummary.of(rs.getString(1), card, rs.getBoolean(3), rs.getLong(4), Sql.instant(rs.getObject(5))));
      }
    }
    return out;
  }

  public void recordView(String characterId, String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO character_views (character_id, user_id, viewed_at) VALUES (?, ?, ?)")) {
      ps.setString(1, characterId);
      ps.setString(2, userId);
      ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
      ps.executeUpdate();
    }
  }

}
