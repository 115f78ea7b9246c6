package chat.nexus.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user reading a busy room has their marker written at most once per spacing, and a stop writes
 * the markers still waiting: none is lost on SIGTERM.
 */
class ReadMarkersOnStopTest {

  @TempDir Path dir;

  @Test
  void readsWaitForTheirSpacingAndAStopWritesThem() throws Exception {
    Files.createDirectories(dir);
    String url =
        "jdbc:h2:file:"
            + dir.resolve("db")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
    TestServer server = TestServer.start(Backend.H2, Map.of("DATABASE_URL", url));
    String annId;
    long last;
    try {
      JsonObject ann = server.guest("Ann");
      annId = ann.getJsonObject("user").getString("id");
      Client a = server.connect(ann.getString("token"));
      Client b = server.connectGuest("Bob");
      for (Client c : new Client[] {a, b}) {
        assertThat(c.call("room:join", new JsonObject().put("roomId", "busy")).getBoolean("ok"))
            .isTrue();
      }
      long first = send(b, "one");
      send(b, "two");
      last = send(b, "three");

      read(a, first);
      Waits.untilTrue(() -> marker(server, annId) == first, "the first read written");
      assertThat(read(a, last).getLong("lastReadId")).isEqualTo(last);
      Thread.sleep(2 * ReadMarkers.FLUSH_INTERVAL.toMillis());
      assertThat(marker(server, annId)).as("the next read waits for its spacing").isEqualTo(first);
    } finally {
      server.chatServer().stop();
    }
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT last_read_id FROM room_members WHERE room_id = 'busy' AND user_id = ?")) {
      ps.setString(1, annId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("written on stop").isEqualTo(last);
      }
    } finally {
      server.close();
    }
  }

  private static long send(Client client, String text) {
    JsonObject ack =
        client.call("message:send", new JsonObject().put("roomId", "busy").put("text", text));
    assertThat(ack.getBoolean("ok")).as("send: %s", ack).isTrue();
    return ack.getJsonObject("message").getLong("id");
  }

  private static JsonObject read(Client client, long messageId) {
    return client.call("read", new JsonObject().put("roomId", "busy").put("messageId", messageId));
  }

  private static long marker(TestServer server, String userId) {
    return server.count(
        "SELECT last_read_id FROM room_members WHERE room_id = 'busy' AND user_id = ?", userId);
  }
}
