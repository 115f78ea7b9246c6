package chat.nexus.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Users. Blocking: call from a worker. */
public final class UserStore {

  private final Database database;

  public UserStore(Database database) {
    this.database = database;
  }

  public Optional<User> findById(String id) throws SQLException {
    return findOne("SELECT id, username, name, kind, handle FROM users WHERE id = ?", id);
  }

  /**
   * The user of a username, whatever its case: the exact spelling first (two accounts that differed
   * only by case before usernames were made case-insensitive both keep logging in), then the
   * case-insensitive key.
   */
  public Optional<User> findByUsername(String username) throws SQLException {
    Optional<User> exact =
        findOne("SELECT id, username, name, kind, handle FROM users WHERE username = ?", username);
    return exact.isPresent()
        ? exact
        : findOne(
            "SELECT id, username, name, kind, handle FROM users WHERE username_key = ?",
            usernameKey(username));
  }

  /** What makes two usernames the same person: their lower-case form (usernames are ASCII). */
  public static String usernameKey(String username) {
    return username.toLowerCase(java.util.Locale.ROOT);
  }

  /** The stored password hash of a registered user, if any. */
  public Optional<String> passwordHash(String userId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE id = ?")) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Inserts a user; returns false when the username or the handle is taken (in any case). */
  public boolean insert(User user, String passwordHash) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO users (id, username, username_key, name, password_hash, kind, created_at, handle) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, user.id());
      ps.setString(2, user.username());
      ps.setString(3, user.username() == null ? null : usernameKey(user.username()));
      ps.setString(4, user.name());
      ps.setString(5, passwordHash);
      ps.setString(6, user.kind());
      ps.setObject(7, Sql.timestamp(Instant.now()));
      ps.setString(8, user.handle());
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Makes sure a user known only from a token exists; returns it. */
  public User ensureExternal(String id, String name) throws SQLException {
    Optional<User> existing = findById(id);
    if (existing.isPresent()) {
      return existing.get();
    }
    User user = new User(id, null, name, User.EXTERNAL, freeHandle(name));
    // insert() answers false on a unique violation: a concurrent first sign-in of the same user
    // stored it.
    return insert(user, null) ? user : findById(id).orElse(user);
  }

  /** Whether a handle (lower case) belongs to someone. */
  public boolean handleTaken(String handle) throws SQLException {
    return findOne("SELECT id, username, name, kind, handle FROM users WHERE handle = ?", handle)
        .isPresent();
  }

  /**
   * A handle nobody has, made from {@code from}: its plain form when free, else with a random
   * suffix. A race with another sign-up is settled by the unique index (insert answers false).
   */
  public String freeHandle(String from) throws SQLException {
    String plain = Handles.derive(from);
    if (!handleTaken(plain)) {
      return plain;
    }
    for (int i = 0; i < FREE_HANDLE_TRIES; i++) {
      String suffixed = Handles.withSuffix(from);
      if (!handleTaken(suffixed)) {
        return suffixed;
      }
    }
    return Handles.withSuffix(from);
  }

  /** Random suffixes tried before giving one without looking (the index still checks it). */
  private static final int FREE_HANDLE_TRIES = 5;

  private Optional<User> findOne(String sql, String value) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new User(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5)));
      }
    }
  }
}
