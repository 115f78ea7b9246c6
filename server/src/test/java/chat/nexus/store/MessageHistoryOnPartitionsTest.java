package chat.nexus.store;

import static chat.nexus.store.PostgresSchema.inMonth;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * History on the messages table partitioned by month: a room paged through several months gives
 * what the same pages give on one plain table, and every read is an index scan on (room_id, id
 * DESC) per month, merged in order (no sort, no sequential scan). The plans are printed: they are
 * the ones the README's Architecture section describes.
 */
class MessageHistoryOnPartitionsTest {

  private static final int MONTHS = 4;
  private static final int ROOMS = 20;
  private static final int PER_MONTH = 5_000;
  private static final int PAGE = 50;
  private static final String ROOM = "room-7";

  @Test
  void historyPagesAcrossMonthsAsOnAPlainTableThroughTheRoomIndex() throws Exception {
    try (PostgresSchema schema = new PostgresSchema();
        Database database = schema.open(DatabaseOptions.KEEP_MESSAGES)) {
      new MessagePartitions(database, DatabaseOptions.KEEP_MESSAGES).maintain(inMonth(1 - MONTHS));
      for (int month = 1 - MONTHS; month <= 0; month++) {
        schema.execute(
            "INSERT INTO messages (room_id, user_id, text, client_id, created_at)"
                + " SELECT 'room-' || (g % ?), 'user-' || (g % 7), 'text ' || g, 'c' || ? || '-' || g,"
                + " ?::timestamptz + g * INTERVAL '1 second' FROM generate_series(1, ?) g",
            ROOMS, month, inMonth(month), PER_MONTH);
      }
      schema.execute("CREATE TABLE messages_plain AS SELECT * FROM messages");
      schema.execute("CREATE INDEX ON messages_plain (room_id, id DESC)");
      schema.execute("ANALYZE messages, messages_plain");

      MessageStore store = new MessageStore(database);
      List<Long> paged = new ArrayList<>();
      Long before = null;
      List<Message> page;
      do {
        page = store.history(ROOM, before, PAGE);
        List<Object> plain =
            schema.column(
                "SELECT id FROM messages_plain WHERE room_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                ROOM,
                before == null ? Long.MAX_VALUE : before,
                PAGE);
        assertThat(page).extracting(Message::id).isEqualTo(plain);
        page.forEach(m -> paged.add(m.id()));
        before = page.isEmpty() ? null : page.get(page.size() - 1).id();
      } while (!page.isEmpty());
      assertThat(paged).hasSize(MONTHS * PER_MONTH / ROOMS);

      long middle = paged.get(paged.size() / 2);
      String first =
          explain(schema, "SELECT * FROM messages WHERE room_id = $1 ORDER BY id DESC LIMIT $2");
      String cursor =
          explain(
              schema,
              "SELECT * FROM messages WHERE room_id = $1 AND id < "
                  + middle
                  + " ORDER BY id DESC LIMIT $2");
      for (String plan : List.of(first, cursor)) {
        // The month that holds the page is read through its room index; a month whose ids are all
        // above the cursor may be ruled out through its primary key (id, created_at) instead.
        assertThat(plan)
            .contains("Merge Append")
            .containsPattern(
                "Index Scan using messages_p\\d{4}_\\d{2}_room_id_id_idx on \\S+ \\S+ \\(actual rows="
                    + PAGE
                    + " ")
            .doesNotContain("Seq Scan", "->  Sort");
      }
      String companion = explainCompanion(schema, MONTHS);
      // each month's conversation index read in order and merged: a page reads about its own rows
      assertThat(companion)
          .contains("Merge Append", "conversation_id_user_id_id_idx on companion_chat_messages_p")
          .doesNotContain("Seq Scan", "->  Sort");
      String key =
          schema.plan(
              "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                  + MessageStore.BY_CLIENT_ID_PARTITIONED
                      .replaceFirst("\\?", "'user-1'")
                      .replaceFirst("\\?", "'room-1'")
                      .replaceFirst("\\?", "'c-1-1'"));
      System.out.println(MessageStore.BY_CLIENT_ID_PARTITIONED + "\n" + key);
      // The key's row names the month: the other months are never read (pruned as it runs).
      assertThat(key).contains("message_client_ids_pkey", "_pkey on messages_p", "never executed");
    }
  }

  /**
   * A companion conversation over {@code months} months: the plan of CompanionStore's read of a
   * page of it (its newest messages, before a message id).
   */
  private static String explainCompanion(PostgresSchema schema, int months) {
    for (int month = 1 - months; month <= 0; month++) {
      schema.execute(
          "INSERT INTO companion_chat_messages"
              + " (user_id, character_id, conversation_id, role, content, created_at)"
              + " SELECT 'user-' || (g % ?), 'ada', g % ?, 'user', 'turn ' || g,"
              + " ?::timestamptz + g * INTERVAL '1 second' FROM generate_series(1, ?) g",
          ROOMS, ROOMS, inMonth(month), PER_MONTH);
    }
    schema.execute("ANALYZE companion_chat_messages");
    String sql =
        "SELECT id, user_id, character_id, role, content, created_at FROM companion_chat_messages"
            + " WHERE conversation_id = 7 AND user_id = 'user-7' AND id < 9223372036854775807"
            + " ORDER BY id DESC LIMIT 20";
    String plan = schema.plan("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql);
    System.out.println(sql + "\n" + plan);
    return plan;
  }

  /** The plan of {@code sql} with a custom plan (values known) and the generic one (cached). */
  private static String explain(PostgresSchema schema, String sql) {
    String prepare = "PREPARE history(text, int) AS " + sql;
    String execute = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE history('";
    String custom = schema.plan(prepare, execute + ROOM + "', " + PAGE + ")");
    String generic =
        schema.plan(
            prepare,
            "SET plan_cache_mode = force_generic_plan",
            execute + ROOM + "', " + PAGE + ")");
    System.out.println(sql + "\n-- custom plan:\n" + custom + "-- generic plan:\n" + generic);
    return custom + generic;
  }
}
