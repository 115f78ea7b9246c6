package chat.nexus.profiles;

import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import chat.nexus.store.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Profiles and avatars in the users and user_avatars tables. Blocking: call from a worker. */
final class ProfileStore {

  private static final String COLUMNS = "id, username, name, kind, handle, avatar_etag";

  /** An avatar as stored: its type, bytes, and version. */
  record StoredAvatar(String contentType, byte[] data, String etag) {}

  private final Database database;
  private final UserStore users;

  ProfileStore(Database database) {
    this.database = database;
    this.users = new UserStore(database);
  }

  Optional<Profile> find(String id) throws SQLException {
    List<Profile> found = findIn("id", List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The profiles whose {@code column} (id or handle) is one of {@code values}, in no order. */
  List<Profile> findIn(String column, List<String> values) throws SQLException {
    if (values.isEmpty()) {
      return List.of();
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM users WHERE "
            + ("handle".equals(column) ? "handle" : "id")
            + " IN ("
            + String.join(", ", Collections.nCopies(values.size(), "?"))
            + ")";
    List<Profile> out = new ArrayList<>(values.size());
    List<String[]> withoutHandle = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.size(); i++) {
        ps.setString(i + 1, values.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(5) == null) {
            withoutHandle.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
          } else {
            out.add(read(rs));
          }
        }
      }
    }
    for (String[] user : withoutHandle) {
      assignHandle(user[0], user[1] != null ? user[1] : user[2]);
      find(user[0]).ifPresent(out::add);
    }
    return out;
  }

  /**
   * Gives a user stored before handles existed one made from its username or name; a concurrent
   * read giving it one first wins.
   */
  private void assignHandle(String id, String from) throws SQLException {
    for (int i = 0; i < 3; i++) {
      try (Connection c = database.connection();
          PreparedStatement ps =
              c.prepareStatement("UPDATE users SET handle = ? WHERE id = ? AND handle IS NULL")) {
        ps.setString(1, users.freeHandle(from));
        ps.setString(2, id);
        ps.executeUpdate();
        return;
      } catch (SQLException e) {
        if (!Sql.isUniqueViolation(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * Changes the name and/or the handle (null: unchanged); false when the handle belongs to someone
   * else.
   */
  boolean update(String id, String name, String handle) throws SQLException {
    StringBuilder sql = new StringBuilder("UPDATE users SET ");
    List<String> values = new ArrayList<>();
    if (name != null) {
      sql.append("name = ?");
      values.add(name);
    }
    if (handle != null) {
      sql.append(values.isEmpty() ? "" : ", ").append("handle = ?");
      values.add(handle);
    }
    if (values.isEmpty()) {
      return true;
    }
    sql.append(" WHERE id = ?");
    values.add(id);
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < values.size(); i++) {
        ps.setString(i + 1, values.get(i));
      }
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Replaces the avatar (or sets the first one) in one transaction. */
  void setAvatar(String id, String contentType, byte[] data, String etag) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement delete =
            c.prepareStatement("DELETE FROM user_avatars WHERE user_id = ?")) {
          delete.setString(1, id);
          delete.executeUpdate();
        }
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO user_avatars (user_id, content_type, data, updated_at) VALUES (?, ?, ?, ?)")) {
          insert.setString(1, id);
          insert.setString(2, contentType);
          insert.setBytes(3, data);
          insert.setObject(4, Sql.timestamp(Instant.now()));
          insert.executeUpdate();
        }
        setEtag(c, id, etag);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  void deleteAvatar(String id) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement delete =
            c.prepareStatement("DELETE FROM user_avatars WHERE user_id = ?")) {
          delete.setString(1, id);
          delete.executeUpdate();
        }
        setEtag(c, id, null);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  Optional<StoredAvatar> avatar(String id) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT a.content_type, a.data, u.avatar_etag FROM user_avatars a"
                    + " JOIN users u ON u.id = a.user_id WHERE a.user_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new StoredAvatar(rs.getString(1), rs.getBytes(2), rs.getString(3)))
            : Optional.empty();
      }
    }
  }

  private static void setEtag(Connection c, String id, String etag) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE users SET avatar_etag = ? WHERE id = ?")) {
      ps.setString(1, etag);
      ps.setString(2, id);
      ps.executeUpdate();
    }
  }

  private static Profile read(ResultSet rs) throws SQLException {
    return new Profile(
        rs.getString(1),
        rs.getString(3),
        rs.getString(5),
        Profile.kindOf(rs.getString(4)),
        rs.getString(6));
  }
}
