package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.config.Config;
import chat.nexus.testing.ReplicatedPostgres;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DATABASE_READ_URL over a real streaming replica. History of a room this node wrote to comes from
 * the primary while the replica has not replayed the write (its replay paused), and from the
 * replica once it has; a room this node did not write to is read from the replica (so a write made
 * elsewhere, straight on the primary, is not seen there yet: the replica is really used). A stopped
 * replica: every read still answers, from the primary.
 */
class ReadReplicaTest {

  /** Far above the test's pause: the paused replica stays in use for rooms with no recent write. */
  private static final String MAX_LAG_MS = "60000";

  @TempDir Path dataDir;

  @Test
  void aWriterReadsItsMessagesWhileTheReplicaLags() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ReplicatedPostgres pg = ReplicatedPostgres.start(false)) {
      Map<String, String> env =
          Map.of(
              "DATABASE_URL", ReplicatedPostgres.jdbcUrl(pg.primaryPort()),
              "DATABASE_READ_URL", ReplicatedPostgres.jdbcUrl(pg.replicaPort()),
              "DATABASE_READ_MAX_LAG_MS", MAX_LAG_MS,
              "DATA_DIR", dataDir.toString());
      try (Database database = Database.open(Config.from(env), DatabaseOptions.fromEnv(env));
          MessageWriter writer =
              new MessageWriter(vertx, database, new MessageStore(database), 100)) {
        MessageStore store = new MessageStore(database);
        store.ensureRoom("ours", "public");
        store.ensureRoom("theirs", "public");
        long first = send(writer, "ours", "before the pause");
        Waits.untilTrue(
            () -> readFromReplica(database, () -> ids(store, "ours").contains(first)),
            "the replica to serve the room's first message");

        pg.pauseReplay(true);
        long second = send(writer, "ours", "while the replica lags");
        long primaryReads = database.primaryReads();
        assertThat(ids(store, "ours")).as("the writer's next read").contains(second, first);
        assertThat(database.primaryReads()).as("reads on the primary").isGreaterThan(primaryReads);

        long elsewhere = insertOnPrimary(pg, "theirs", "written by another node");
        long replicaReads = database.replicaReads();
        assertThat(ids(store, "theirs"))
            .as("a room this node did not write to, from the paused replica")
            .doesNotContain(elsewhere);
        assertThat(database.replicaReads()).isGreaterThan(replicaReads);

        pg.pauseReplay(false);
        Waits.untilTrue(
            () -> readFromReplica(database, () -> ids(store, "ours").contains(second)),
            "the replica to serve the room again once it has replayed the write");

        pg.stopReplica();
        assertThat(ids(store, "ours")).as("with the replica stopped").contains(second, first);
        Waits.untilTrue(
            () -> ids(store, "theirs").contains(elsewhere), "the other room, from the primary");
        Waits.untilTrue(
            () -> !database.replicaStates().values().iterator().next().getAsBoolean(),
            "the stopped replica to be out of use");
      }
    } finally {
      vertx.close().await();
    }
  }

  /** Whether the check held and its read ran on the replica. */
  private static boolean readFromReplica(Database database, Waits.Condition check)
      throws Exception {
    long before = database.replicaReads();
    return check.holds() && database.replicaReads() > before;
  }

  private static long send(MessageWriter writer, String room, String text) throws Exception {
    return writer
        .write(new NewMessage(room, "ann", text, null))
        .toCompletionStage()
        .toCompletableFuture()
        .get()
        .message()
        .id();
  }

  private static List<Long> ids(MessageStore store, String room) throws Exception {
    return store.history(room, null, 50).stream().map(Message::id).toList();
  }

  private static long insertOnPrimary(ReplicatedPostgres pg, String room, String text)
      throws Exception {
    try (Connection c = pg.connect(pg.primaryPort());
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO messages (room_id, user_id, text, created_at) VALUES (?, 'bob', ?, ?)",
                new String[] {"id"})) {
      ps.setString(1, room);
      ps.setString(2, text);
      ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
      ps.executeUpdate();
      try (var keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }
}
