package chat.nexus.store;

import static chat.nexus.store.PostgresSchema.inMonth;
import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.companion.CompanionConversation;
import chat.nexus.companion.CompanionConversationStore;
import chat.nexus.companion.CompanionMessage;
import chat.nexus.companion.CompanionStore;
import chat.nexus.store.MessageWriter.Stored;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The messages tables (chat and companion) partitioned by month on the real PostgreSQL: existing
 * populated tables migrated without losing a row, months created ahead (and rows that fell into
 * DEFAULT moved out), old months dropped by retention with their client id keys, and a resend
 * stored once whichever month its first send is in.
 */
class MessagePartitionsOnPostgresTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Waits.get(vertx.close().toCompletionStage().toCompletableFuture(), "Vert.x closed");
  }

  @Test
  void anExistingTableIsMigratedWithEveryRowAndItsClientIds() throws Exception {
    try (PostgresSchema schema = new PostgresSchema()) {
      schema.migrateTo("5");
      for (int month = -14; month <= 0; month++) {
        schema.execute(
            "INSERT INTO messages (room_id, user_id, text, client_id, created_at)"
                + " SELECT 'room-' || (g % 3), 'user-' || (g % 2), 'text ' || g,"
                + " CASE WHEN g % 5 = 0 THEN NULL ELSE 'c' || ? || '-' || g END, ?"
                + " FROM generate_series(1, 20) g",
            month, inMonth(month));
      }
      for (int month = -4; month <= -1; month++) {
        schema.execute(
            "INSERT INTO companion_chat_messages (user_id, character_id, role, content, created_at)"
                + " SELECT 'user-1', 'ada', CASE WHEN g % 2 = 0 THEN 'user' ELSE 'assistant' END,"
                + " 'turn ' || ? || '-' || g, ?::timestamptz + g * INTERVAL '1 minute'"
                + " FROM generate_series(1, 10) g",
            month, inMonth(month));
      }
      String before = contents(schema);
      String companionBefore = companionContents(schema);
      long maxId = schema.count("SELECT MAX(id) FROM messages");
      long maxCompanionId = schema.count("SELECT MAX(id) FROM companion_chat_messages");

      try (Database database = schema.open(DatabaseOptions.KEEP_MESSAGES);
          MessageWriter writer = writer(database)) {
        assertThat(contents(schema)).isEqualTo(before);
        assertThat(schema.count("SELECT COUNT(*) FROM messages")).isEqualTo(15 * 20);
        assertThat(schema.count("SELECT COUNT(*) FROM message_client_ids")).isEqualTo(15 * 16);
        assertThat(partitionNames(schema))
            .contains("messages_before", "messages_default")
            .hasSize(1 + 3 + 1);

        Stored resent = write(writer, new NewMessage("room-1", "user-1", "again", "c-14-1"));
        assertThat(resent.duplicate()).isTrue();
        assertThat(resent.message().text()).isEqualTo("text 1");
        assertThat(schema.partitionOf(resent.message().id())).isEqualTo("messages_before");

        assertThat(companionContents(schema)).isEqualTo(companionBefore);
        assertThat(partitionNames(schema, "companion_chat_messages"))
            .contains("companion_chat_messages_before", "companion_chat_messages_default")
            .hasSize(1 + 3 + 1);
        CompanionStore companions = new CompanionStore(database);
        // The migration made the stored messages one conversation.
        List<CompanionConversation> conversations =
            new CompanionConversationStore(database).of("user-1", "ada", 10);
        assertThat(conversations).hasSize(1);
        CompanionConversation conversation = conversations.get(0);
        assertThat(companions.page(conversation, null, 2))
            .extracting(CompanionMessage::content)
            .containsExactly("turn -1-10", "turn -1-9");
        CompanionMessage reply = companions.append(conversation, "user", "hello again", null);
        assertThat(reply.id()).isGreaterThan(maxCompanionId);
        assertThat(companions.page(conversation, null, 1)).containsExactly(reply);

        Stored next = write(writer, new NewMessage("room-1", "user-1", "new", "after"));
        assertThat(next.duplicate()).isFalse();
        // Ids go on after the old ones (the refused resend used up some: sequences leave gaps).
        assertThat(next.message().id()).isGreaterThan(maxId);
      }
    }
  }

  @Test
  void aResendIsStoredOnceWhenItsFirstSendIsInAnEarlierMonth() throws Exception {
    try (PostgresSchema schema = new PostgresSchema();
        Database database = schema.open(DatabaseOptions.KEEP_MESSAGES);
        MessageWriter writer = writer(database)) {
      new MessagePartitions(database, DatabaseOptions.KEEP_MESSAGES).maintain(inMonth(-1));
      long first = schema.insert("lobby", "ann", "k1", inMonth(-1));

      Stored resent = write(writer, new NewMessage("lobby", "ann", "resent", "k1"));

      assertThat(resent.duplicate()).isTrue();
      assertThat(resent.message().id()).isEqualTo(first);
      assertThat(schema.count("SELECT COUNT(*) FROM messages WHERE client_id = 'k1'")).isOne();
      Stored fresh = write(writer, new NewMessage("lobby", "ann", "fresh", "k2"));
      assertThat(schema.partitionOf(fresh.message().id()))
          .isNotEqualTo(schema.partitionOf(first))
          .startsWith("messages_p");
      // The same client id from another user, or in another room, is another message.
      assertThat(write(writer, new NewMessage("lobby", "bob", "x", "k1")).duplicate()).isFalse();
      assertThat(write(writer, new NewMessage("hall", "ann", "x", "k1")).duplicate()).isFalse();
    }
  }

  @Test
  void monthsAreCreatedAheadAndRowsOfAMissingMonthMovedOutOfDefault() throws Exception {
    try (PostgresSchema schema = new PostgresSchema();
        Database database = schema.open(DatabaseOptions.KEEP_MESSAGES)) {
      long stray = schema.insert("lobby", "ann", "far", inMonth(6));
      assertThat(schema.partitionOf(stray)).isEqualTo("messages_default");

      MessagePartitions partitions = new MessagePartitions(database, DatabaseOptions.KEEP_MESSAGES);
      assertThat(partitions.maintain(inMonth(5))).isTrue();
      assertThat(partitions.maintain(inMonth(5))).isTrue();

      String month = schema.partitionOf(stray);
      assertThat(month).startsWith("messages_p");
      assertThat(schema.count("SELECT COUNT(*) FROM messages_default")).isZero();
      // This month and two ahead from the migration; months 5 to 8 from the run; DEFAULT.
      assertThat(partitionNames(schema)).contains(month).hasSize(3 + 4 + 1);
      assertThat(partitionNames(schema, "companion_chat_messages")).hasSize(3 + 4 + 1);
      assertThat(schema.insert("lobby", "ann", "far2", inMonth(6))).isGreaterThan(stray);
      assertThat(schema.count("SELECT COUNT(*) FROM " + month)).isEqualTo(2);
    }
  }

  @Test
  void retentionDropsWholeMonthsOlderThanItAndTheirClientIdsAndReactions() throws Exception {
    try (PostgresSchema schema = new PostgresSchema();
        Database database = schema.open(DatabaseOptions.KEEP_MESSAGES)) {
      Instant now = inMonth(0);
      new MessagePartitions(database, DatabaseOptions.KEEP_MESSAGES).maintain(inMonth(-4));
      for (int month = -4; month <= 0; month++) {
        long id = schema.insert("lobby", "ann", "m" + month, inMonth(month));
        schema.execute(
            "INSERT INTO message_reactions"
                + " (message_id, emoji, user_id, room_id, created_at, message_created_at)"
                + " VALUES (?, ?, 'bob', 'lobby', ?, ?)",
            id,
            "m" + month,
            now,
            inMonth(month));
        schema.execute(
            "INSERT INTO companion_chat_messages (user_id, character_id, role, content, created_at)"
                + " VALUES ('ann', 'ada', 'user', ?, ?)",
            "m" + month,
            inMonth(month));
      }
      int days = 45;
      Instant cutoff = now.minus(days, ChronoUnit.DAYS);

      assertThat(new MessagePartitions(database, days).maintain(now)).isTrue();

      List<Object> kept = schema.column("SELECT client_id FROM messages ORDER BY id");
      // Whole months only: the month that holds the cutoff stays, with rows older than it.
      assertThat(kept).containsExactly("m-2", "m-1", "m0");
      assertThat(schema.column("SELECT client_id FROM message_client_ids ORDER BY message_id"))
          .isEqualTo(kept);
      assertThat(schema.column("SELECT content FROM companion_chat_messages ORDER BY id"))
          .isEqualTo(kept);
      assertThat(schema.column("SELECT emoji FROM message_reactions ORDER BY message_id"))
          .as("reactions go with their messages")
          .isEqualTo(kept);
      assertThat(schema.count("SELECT COUNT(*) FROM messages WHERE created_at < ?", cutoff))
          .isOne();
      // Months -2 to +3 (three ahead of this one) and DEFAULT.
      assertThat(partitionNames(schema)).hasSize(6 + 1);
    }
  }

  @Test
  void aNodeLeavesTheWorkToTheNodeThatHoldsTheLock() throws Exception {
    try (PostgresSchema schema = new PostgresSchema();
        Database database = schema.open(DatabaseOptions.KEEP_MESSAGES);
        Connection other = database.connection()) {
      MessagePartitions partitions = new MessagePartitions(database, DatabaseOptions.KEEP_MESSAGES);
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.messages'))");
        for (int run = 1; run <= MessagePartitions.MISSED_RUNS_WARNING; run++) {
          assertThat(partitions.maintain(inMonth(6))).isFalse();
          assertThat(partitions.missedRuns()).isEqualTo(run);
        }
        other.commit();
      }
      assertThat(partitionNames(schema)).hasSize(3 + 1);
      assertThat(partitions.maintain(inMonth(6))).isTrue();
      assertThat(partitions.missedRuns()).isZero();
      assertThat(partitionNames(schema)).hasSize(3 + 4 + 1);
    }
  }

  @Test
  void anInsertIntoDefaultDuringTheMoveWaitsForTheMonthToBeAttached() throws Exception {
    try (PostgresSchema schema = new PostgresSchema();
        Database database = schema.open(DatabaseOptions.KEEP_MESSAGES);
        Connection inserting = database.connection()) {
      MessagePartitions partitions = new MessagePartitions(database, DatabaseOptions.KEEP_MESSAGES);
      inserting.setAutoCommit(false);
      int insertingPid;
      try (Statement s = inserting.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        insertingPid = rs.getInt(1);
      }
      try (PreparedStatement ps =
          inserting.prepareStatement(
              "INSERT INTO messages (room_id, user_id, text, created_at) VALUES ('r', 'u', 't', ?)")) {
        ps.setObject(1, Sql.timestamp(inMonth(5)));
        ps.executeUpdate();
      }
      CompletableFuture<Boolean> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return partitions.maintain(inMonth(5));
                } catch (SQLException e) {
                  throw new CompletionException(e);
                }
              });
      // The insert's transaction, still open, holds up the run; then it commits its row of the
      // month being created into DEFAULT.
      Waits.untilTrue(
          () ->
              schema.count(
                      "SELECT COUNT(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))",
                      insertingPid)
                  > 0,
          "the run to wait for the open insert");
      inserting.commit();

      assertThat(Waits.get(run, "the run")).isTrue();
      assertThat(schema.count("SELECT COUNT(*) FROM messages_default")).isZero();
      assertThat(schema.count("SELECT COUNT(*) FROM messages")).isOne();
    }
  }

  private static MessageWriter writer(Database database) {
    return new MessageWriter(vertx, database, new MessageStore(database), 100);
  }

  private static Stored write(MessageWriter writer, NewMessage message) {
    return Waits.get(
        writer.write(message).toCompletionStage().toCompletableFuture(), "the message stored");
  }

  private static List<Object> partitionNames(PostgresSchema schema) {
    return partitionNames(schema, "messages");
  }

  private static List<Object> partitionNames(PostgresSchema schema, String table) {
    return schema.column(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            + " WHERE i.inhparent = ?::regclass ORDER BY c.relname",
        table);
  }

  /** Every stored companion message, in id order, as one text. */
  private static String companionContents(PostgresSchema schema) {
    return String.valueOf(
        schema
            .column(
                "SELECT string_agg(concat_ws('|', id, user_id, character_id, role, content,"
                    + " created_at), E'\\n' ORDER BY id) FROM companion_chat_messages")
            .get(0));
  }

  /** Every stored message, in id order, as one text. */
  private static String contents(PostgresSchema schema) {
    return String.valueOf(
        schema
            .column(
                "SELECT string_agg(concat_ws('|', id, room_id, user_id, text, client_id,"
                    + " created_at), E'\\n' ORDER BY id) FROM messages")
            .get(0));
  }
}
