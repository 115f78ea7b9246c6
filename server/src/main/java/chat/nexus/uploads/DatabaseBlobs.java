package chat.nexus.uploads;

import chat.nexus.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Upload bytes in the upload_blobs table (BYTEA). */
final class DatabaseBlobs implements Blobs {

  private final Database database;

  DatabaseBlobs(Database database) {
    this.database = database;
  }

  @Override
  public void put(String key, byte[] data, String contentType) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO upload_blobs (blob_key, data) VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setBytes(2, data);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<byte[]> get(String key) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT data FROM upload_blobs WHERE blob_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    }
  }

  @Override
  public void delete(String key) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM upload_blobs WHERE blob_key = ?")) {
      ps.setString(1, key);
      ps.executeUpdate();
    }
  }

  @Override
  public String description() {
    return "database";
  }
}
