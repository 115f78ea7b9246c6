package chat.nexus.store;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Sessions in the database's {@code sessions} table; JDBC on the {@link Blocking} pool. */
public final class DatabaseSessionStore implements SessionStore {

  private static final String COLUMNS = "id, user_id, expires_at, revoked_at";

  /** Session ids per query when checking many: well under every driver's limit on parameters. */
  static final int CHECK_BATCH = 500;

  private final Database database;
  private final Blocking blocking;

  public DatabaseSessionStore(Database database, Blocking blocking) {
    this.database = database;
    this.blocking = blocking;
  }

  @Override
  public Future<Void> create(String id, String userId, String refreshTokenHash, Instant expiresAt) {
    return blocking.run(
        () -> {
          try (Connection c = database.connection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO sessions (id, user_id, refresh_token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, userId);
            ps.setString(3, refreshTokenHash);
            ps.setObject(4, Sql.timestamp(Instant.now()));
            ps.setObject(5, Sql.timestamp(expiresAt));
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Optional<Session>> findById(String id) {
    return blocking.run(
        () -> {
          try (Connection c = database.connection()) {
            return findOne(c, "SELECT " + COLUMNS + " FROM sessions WHERE id = ?", id);
          }
        });
  }

  @Override
  public Future<Rotation> rotate(String oldHash, String newHash, Instant expiresAt) {
    return blocking.run(
        () -> {
          try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
              Rotation rotation = rotate(c, oldHash, newHash, expiresAt);
              c.commit();
              return rotation;
            } catch (SQLException | RuntimeException e) {
              c.rollback();
              throw e;
            } finally {
              c.setAutoCommit(true);
            }
          }
        });
  }

  private Rotation rotate(Connection c, String oldHash, String newHash, Instant expiresAt)
      throws SQLException {
    Optional<Session> session =
        findOne(c, "SELECT " + COLUMNS + " FROM sessions WHERE refresh_token_hash = ?", oldHash);
    if (session.isEmpty()) {
      return retired(c, oldHash);
    }
    if (!session.get().isActive(Instant.now())) {
      return new Rotation.Refused();
    }
    // Compare-and-set on the hash: of two refreshes racing with one token, the second updates
    // nothing.
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE sessions SET refresh_token_hash = ?, expires_at = ? WHERE id = ? AND refresh_token_hash = ? AND revoked_at IS NULL")) {
      ps.setString(1, newHash);
      ps.setObject(2, Sql.timestamp(expiresAt));
      ps.setString(3, session.get().id());
      ps.setString(4, oldHash);
      if (ps.executeUpdate() != 1) {
        return new Rotation.Reused(session.get().id(), Instant.now());
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO retired_refresh_tokens (token_hash, session_id, retired_at) VALUES (?, ?, ?)")) {
      ps.setString(1, oldHash);
      ps.setString(2, session.get().id());
      ps.setObject(3, Sql.timestamp(Instant.now()));
      ps.executeUpdate();
    }
    return new Rotation.Rotated(
        new Session(session.get().id(), session.get().userId(), expiresAt, false));
  }

  private static Rotation retired(Connection c, String hash) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT r.session_id, r.retired_at FROM retired_refresh_tokens r JOIN sessions s ON s.id = r.session_id"
                + " WHERE r.token_hash = ? AND s.revoked_at IS NULL")) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? new Rotation.Reused(rs.getString(1), Sql.instant(rs.getObject(2)))
            : new Rotation.Refused();
      }
    }
  }

  @Override
  public Future<Void> revoke(String id) {
    return blocking.run(
        () -> {
          try (Connection c = database.connection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, Sql.timestamp(Instant.now()));
            ps.setString(2, id);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Set<String>> ended(Collection<String> ids) {
    List<String> all = List.copyOf(ids);
    return blocking.run(
        () -> {
          Set<String> ended = new HashSet<>(all);
          try (Connection c = database.connection()) {
            for (int from = 0; from < all.size(); from += CHECK_BATCH) {
              List<String> batch = all.subList(from, Math.min(all.size(), from + CHECK_BATCH));
              String marks = String.join(", ", java.util.Collections.nCopies(batch.size(), "?"));
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id FROM sessions WHERE id IN ("
                          + marks
                          + ") AND revoked_at IS NULL AND expires_at > ?")) {
                for (int i = 0; i < batch.size(); i++) {
                  ps.setString(i + 1, batch.get(i));
                }
                ps.setObject(batch.size() + 1, Sql.timestamp(Instant.now()));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    ended.remove(rs.getString(1));
                  }
                }
              }
            }
          }
          return ended;
        });
  }

  @Override
  public Future<Integer> pruneRetired(Instant before) {
    return blocking.run(
        () -> {
          try (Connection c = database.connection();
              PreparedStatement ps =
                  c.prepareStatement("DELETE FROM retired_refresh_tokens WHERE retired_at < ?")) {
            ps.setObject(1, Sql.timestamp(before));
            return ps.executeUpdate();
          }
        });
  }

  private static Optional<Session> findOne(Connection c, String sql, String value)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Session(
                rs.getString(1),
                rs.getString(2),
                Sql.instant(rs.getObject(3)),
                rs.getObject(4) != null));
      }
    }
  }
}
