package chat.nexus.companion;

import chat.nexus.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's personas in {@code personas}; every statement names the user, so another user's persona
 * id reads as none. Blocking (JDBC): call from the Blocking pool.
 */
public final class PersonaStore {

  private static final String LIST =
      "SELECT id, user_id, name, description FROM personas WHERE user_id = ? ORDER BY id LIMIT ?";
  private static final String ONE =
      "SELECT id, user_id, name, description FROM personas WHERE id = ? AND user_id = ?";
  private static final String COUNT = "SELECT COUNT(*) FROM personas WHERE user_id = ?";
  private static final String INSERT =
      "INSERT INTO personas (user_id, name, description, created_at) VALUES (?, ?, ?, ?)";
  private static final String UPDATE =
      "UPDATE personas SET name = ?, description = ? WHERE id = ? AND user_id = ?";
  private static final String DELETE = "DELETE FROM personas WHERE id = ? AND user_id = ?";
  private static final String UNSET =
      "UPDATE companion_conversations SET persona_id = NULL WHERE persona_id = ? AND user_id = ?";
  private static final String CHOOSE =
      "UPDATE companion_conversations SET persona_id = ? WHERE id = ? AND user_id = ?";

  private final Database database;

  public PersonaStore(Database database) {
    this.database = database;
  }

  List<Persona> list(String userId, int limit) throws SQLException {
    return database.read(
        Database.userKey(userId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setString(1, userId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<Persona> out = new ArrayList<>();
              while (rs.next()) {
                out.add(row(rs));
              }
              return out;
            }
          }
        });
  }

  /** The user's persona, or null. */
  Persona get(String userId, long id) throws SQLException {
    return database.read(
        Database.userKey(userId),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ONE)) {
            ps.setLong(1, id);
            ps.setString(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? row(rs) : null;
            }
          }
        });
  }

  int count(String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(COUNT)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  Persona create(String userId, String name, String description) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
      ps.setString(1, userId);
      ps.setString(2, name);
      ps.setString(3, description);
      ps.setObject(4, Instant.now().atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("no id generated for a persona");
        }
        database.wrote(c, List.of(Database.userKey(userId)));
        return new Persona(keys.getLong(1), userId, name, description);
      }
    }
  }

  /** False when the user has no such persona. */
  boolean update(Persona persona) throws SQLException {
    return change(UPDATE, persona.userId(), persona.name(), persona.description(), persona.id());
  }

  /** Deletes it; the conversations that used it go back to the user's name. */
  boolean delete(String userId, long id) throws SQLException {
    boolean deleted = change(DELETE, userId, id);
    if (deleted) {
      change(UNSET, userId, id);
    }
    return deleted;
  }

  /** Sets a conversation's persona (null: none); false when the user has no such conversation. */
  boolean choose(String userId, long conversationId, Long personaId) throws SQLException {
    return change(CHOOSE, userId, personaId, conversationId);
  }

  /** Runs an update whose last parameter is the user id; whether it changed a row. */
  private boolean change(String sql, String userId, Object... params) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] == null) {
          ps.setNull(i + 1, java.sql.Types.BIGINT);
        } else {
          ps.setObject(i + 1, params[i]);
        }
      }
      ps.setString(params.length + 1, userId);
      boolean changed = ps.executeUpdate() > 0;
      database.wrote(c, List.of(Database.userKey(userId)));
      return changed;
    }
  }

  private static Persona row(ResultSet rs) throws SQLException {
    return new Persona(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
  }
}
