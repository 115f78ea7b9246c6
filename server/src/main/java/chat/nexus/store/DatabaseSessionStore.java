package chat.nexus.store;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Sessions in the database's {@code sessions} table; JDBC on the {@link Blocking} pool. */
public final class DatabaseSessionStore implements SessionStore {

  private final Database database;
  private final Blocking blocking;

  public DatabaseSessionStore(Database database, Blocking blocking) {
    this.database = database;
    this.blocking = blocking;
  }

  @Override
  public Future<Void> create(String id, String userId, String refreshTokenHash, Instant expiresAt) {
    return blocking.run(() -> {
      insert(id, userId, refreshTokenHash, expiresAt);
      return null;
    });
  }

  @Override
  public Future<Optional<Session>> findById(String id) {
    return blocking.run(() -> findOne("SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE id = ?", id));
  }

  @Override
  public Future<Optional<Session>> rotate(String oldHash, String newHash, Instant expiresAt) {
    return blocking.run(() -> {
      Optional<Session> session = findOne("SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE refresh_token_hash = ?", oldHash);
      if (session.isEmpty() || !session.get().isActive(Instant.now()) || !replace(session.get().id(), oldHash, newHash, expiresAt)) {
        return Optional.<Session>empty();
      }
      return Optional.of(new Session(session.get().id(), session.get().userId(), expiresAt, false));
    });
  }

  @Override
  public Future<Void> revoke(String id) {
    return blocking.run(() -> {
      markRevoked(id);
      return null;
    });
  }

  private void insert(String id, String userId, String refreshTokenHash, Instant expiresAt) throws SQLException {
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

  /** Replaces the refresh token of an active session; false when it was rotated or revoked meanwhile. */
  private boolean replace(String id, String oldHash, String newHash, Instant expiresAt) throws SQLException {
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

  private void markRevoked(String id) throws SQLException {
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
