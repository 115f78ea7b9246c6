package chat.nexus.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ServerCases;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The conversation list's query on PostgreSQL for a user in 100 rooms, among 40,000 messages: index
 * probes on messages(room_id, id DESC) per room, never a scan of the messages.
 */
class ConversationPlanOnPostgresTest extends ServerCases {

  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }

  @Test
  void aUserInAHundredRoomsCostsIndexProbesOnly() {
    server.update(
        "INSERT INTO room_members (room_id, user_id, joined_at, last_read_id)"
            + " SELECT 'plan-' || g, 'planner', now(), 0 FROM generate_series(0, 99) g");
    server.update(
        "INSERT INTO room_members (room_id, user_id, joined_at)"
            + " SELECT 'plan-' || (g % 100), 'other-' || g, now() FROM generate_series(0, 999) g");
    server.update(
        "INSERT INTO messages (room_id, user_id, text, created_at)"
            + " SELECT 'plan-' || (g % 100), 'other-' || (g % 1000), 'message ' || g, now()"
            + " FROM generate_series(1, 40000) g");
    server.update(
        "INSERT INTO messages (room_id, user_id, text, created_at)"
            + " SELECT 'elsewhere-' || (g % 500), 'x', 'noise ' || g, now()"
            + " FROM generate_series(1, 40000) g");
    server.update("ANALYZE messages");
    server.update("ANALYZE room_members");

    List<Map<String, Object>> rows =
        server.query(
            "EXPLAIN (ANALYZE, BUFFERS) " + ConversationStore.ROOMS,
            "planner",
            "planner",
            "planner",
            ConversationList.MAX_ROOMS);
    String plan =
        rows.stream()
            .map(r -> String.valueOf(r.values().iterator().next()))
            .collect(Collectors.joining("\n"));
    System.out.println(plan);
    // the months with no rows are scanned for nothing (rows=0); no partition with rows is
    assertThat(plan)
        .doesNotContainPattern(
            "Seq Scan on messages\\S* \\S+ +\\(cost=[^)]*\\) \\(actual time=\\S+ rows=[1-9]")
        .contains("room_id_id_idx");
    double ms = Double.parseDouble(plan.replaceAll("(?s).*Execution Time: ([0-9.]+) ms.*", "$1"));
    assertThat(ms).as(plan).isLessThan(1_000);
  }
}
