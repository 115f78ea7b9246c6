package chat.nexus.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V11 moves rooms made under a mixed-case id to their lower-case id, merging twins that differ only
 * by case (members and messages follow; a retry key that would appear twice is dropped), and leaves
 * direct rooms alone (on H2 in PostgreSQL mode, as the server runs it).
 */
class MixedCaseRoomsMigrationTest {

  @Test
  void mixedCaseRoomsMergeIntoTheirLowerCaseId() throws Exception {
    String url =
        "jdbc:h2:mem:v11-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .target("8")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      String now = "TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00'";
      for (String id : List.of("Lobby", "lobby", "LOBBY", "Games", "dm:Ann:Bob")) {
        s.execute(
            "INSERT INTO rooms (id, kind, created_at) VALUES ('"
                + id
                + "', '"
                + (id.startsWith("dm:") ? "direct" : "public")
                + "', "
                + now
                + ")");
        s.execute(
            "INSERT INTO room_members (room_id, user_id, joined_at) VALUES ('"
                + id
                + "', 'ann', "
                + now
                + ")");
        s.execute(
            "INSERT INTO messages (room_id, user_id, text, client_id, created_at) VALUES ('"
                + id
                + "', 'ann', 'in "
                + id
                + "', 'retry-1', "
                + now
                + ")");
      }
      Flyway.configure()
          .dataSource(url, "sa", "")
          .locations("classpath:db/migration")
          .load()
          .migrate();

      assertThat(column(s, "SELECT id FROM rooms ORDER BY id"))
          .containsExactly("dm:Ann:Bob", "games", "lobby");
      assertThat(column(s, "SELECT name FROM rooms WHERE id = 'games'")).containsExactly("Games");
      assertThat(column(s, "SELECT room_id FROM room_members ORDER BY room_id"))
          .containsExactly("dm:Ann:Bob", "games", "lobby");
      assertThat(column(s, "SELECT text FROM messages WHERE room_id = 'lobby' ORDER BY id"))
          .containsExactly("in Lobby", "in lobby", "in LOBBY");
      assertThat(column(s, "SELECT client_id FROM messages WHERE room_id = 'lobby' ORDER BY id"))
          .containsExactly(null, "retry-1", null);
      assertThat(column(s, "SELECT room_id FROM messages WHERE text = 'in dm:Ann:Bob'"))
          .containsExactly("dm:Ann:Bob");
    }
  }

  private static List<String> column(Statement s, String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
