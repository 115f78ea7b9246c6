package chat.nexus.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Login sessions. A session holds the SHA-256 of its current refresh token; refreshing rotates it, logging
 * out revokes the session, and access tokens carrying a revoked session's id are refused. Blocking.
 */
public final class SessionStore {

  /** A session row. */
  public record Session(String id, String userId, Instant expiresAt, boolean revoked) {
    public boolean isActive(Instant now) {
      return !revoked && expiresAt.isAfter(now);
    }
  }

  private final Database database;

  public SessionStore(Database database) {
    this.database = database;
  }

  public void create(String id, String userId, String refreshTokenHash, Instant expiresAt) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO sessions (id, user_id, refresh_token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, userId);
      ps.setString(3, refreshTokenHash);
      ps.setObject(4, Sql.timestamp(Instant.now()));
      ps.setObject(5, Sql.timestamp(expiresAt));
      ps.executeUpdate();
    }
  }

  public Optional<Session> findById(String id) throws SQLException {
    return findOne("SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE id = ?", id);
  }

  public Optional<Session> findByRefreshTokenHash(String hash) throws SQLException {
    return findOne("SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE refresh_token_hash = ?", hash);
  }

  /** Replaces the refresh token of an active session; false when it was rotated or revoked meanwhile. */
  public boolean rotate(String id, String oldHash, String newHash, Instant expiresAt) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(
            "UPDATE sessions SET refresh_token_hash = ?, expires_at = ? WHERE id = ? AND refresh_token_hash = ? AND revoked_at IS NULL")) {
      ps.setString(1, newHash);
      ps.setObject(2, Sql.timestamp(expiresAt));
      ps.setString(3, id);
      ps.setString(4, oldHash);
      return ps.executeUpdate() == 1;
    }
  }

  public void revoke(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      ps.setObject(1, Sql.timestamp(Instant.now()));
      ps.setString(2, id);
      ps.executeUpdate();
    }
  }

  private Optional<Session> findOne(String sql, String value) throws SQLException {
    try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Session(rs.getString(1), rs.getString(2), Sql.instant(rs.getObject(3)), rs.getObject(4) != null));
      }
    }
  }
}
