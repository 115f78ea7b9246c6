package chat.nexus.store;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.config.Config;
import chat.nexus.testing.ReplicatedPostgres;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edit, a reaction and a delete change no message id, yet the next history read on the node that
 * made them sees them while the replica lags (its replay paused): a change marks its room written,
 * as a new message does.
 */
class ChangesOnReadReplicaTest {

  private static final String MAX_LAG_MS = "60000";

  @TempDir Path dataDir;

  @Test
  void theChangingNodeReadsItsChangesWhileTheReplicaLags() throws Exception {
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
        store.ensureRoom("edits", "public");
        long id =
            writer
                .write(new NewMessage("edits", "ann", "first draft", null))
                .toCompletionStage()
                .toCompletableFuture()
                .get()
                .message()
                .id();
        Waits.untilTrue(
            () -> {
              long before = database.replicaReads();
              return !store.history("edits", null, 1).isEmpty() && database.replicaReads() > before;
            },
            "the replica to serve the room");

        pg.pauseReplay(true);
        store.changes().edit("edits", id, "ann", "final text");
        assertThat(store.history("edits", null, 1).get(0).text()).isEqualTo("final text");
        store.changes().react("edits", id, "bob", "👍");
        assertThat(store.history("edits", null, 1).get(0).reactions()).contains("👍");
        store.changes().delete("edits", id, "ann", false);
        Message deleted = store.history("edits", null, 1).get(0);
        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.text()).isEmpty();
        pg.pauseReplay(false);
      }
    } finally {
      vertx.close().await();
    }
  }
}
