package chat.nexus.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.config.Config;
import chat.nexus.store.Database;
import chat.nexus.store.DatabaseOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch of markers larger than one transaction is written whole, and never moves one back. */
class MarkerWritesTest {

  @TempDir Path dir;

  @Test
  void aBatchSpanningSeveralTransactionsIsWrittenWholeAndOnlyForward() throws Exception {
    Map<String, String> env = Map.of("DATA_DIR", dir.toString());
    int users = ConversationStore.MARKERS_PER_TRANSACTION * 2 + 500;
    try (Database database = Database.open(Config.from(env), DatabaseOptions.fromEnv(env))) {
      try (Connection c = database.connection();
          PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO room_members (room_id, user_id, joined_at)"
                      + " VALUES (?, ?, CURRENT_TIMESTAMP)")) {
        for (int i = 0; i < users; i++) {
          ps.setString(1, "room-" + i % 7);
          ps.setString(2, "user-" + i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      ConversationStore store = new ConversationStore(database);
      store.advance(markers(users, 40));
      store.advance(markers(users, 30));
      try (Connection c = database.connection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*), MIN(last_read_id), MAX(last_read_id) FROM room_members");
          ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(users);
        assertThat(rs.getLong(2)).isEqualTo(40);
        assertThat(rs.getLong(3)).isEqualTo(40);
      }
    }
  }

  private static Map<ReadMarkers.Key, Long> markers(int users, long lastReadId) {
    Map<ReadMarkers.Key, Long> markers = new HashMap<>();
    for (int i = 0; i < users; i++) {
      markers.put(new ReadMarkers.Key("room-" + i % 7, "user-" + i), lastReadId);
    }
    return markers;
  }
}
