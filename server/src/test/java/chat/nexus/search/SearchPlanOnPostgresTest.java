package chat.nexus.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.testing.Backend;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * On a few thousand messages, PostgreSQL answers a search from the full-text index of V14 (on each
 * month's partition) rather than by reading the rooms' messages one by one.
 */
class SearchPlanOnPostgresTest extends ServerCases {

  static final int MESSAGES = 6_000;
  static final int ROOMS = 12;

  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }

  @Test
  void aSearchPastItsTimeLimitIsStoppedAndRefused() throws Exception {
    TestUser ann = user("Ann");
    String word = SearchCases.word();
    try (Connection c = server.chatServer().database().connection()) {
      fill(c, ann, word, 30_000, 1); // every message matches
    }
    SearchStore slow = new SearchStore(server.chatServer().database(), Duration.ofMillis(1));
    assertThatThrownBy(
            () -> slow.search(ann.id(), new SearchRequest(word, Optional.empty(), null, 50)))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("took too long")
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
    // the connection it ran on went back to the pool without the time limit
    for (int i = 0; i < 10; i++) {
      try (Connection c = server.chatServer().database().connection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("0");
      }
    }
  }

  @Test
  void theFullTextIndexServesASearch() throws Exception {
    TestUser ann = user("Ann");
    String word = SearchCases.word();
    try (Connection c = server.chatServer().database().connection()) {
      fill(c, ann, word, MESSAGES, 1000);
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE messages");
        s.execute("ANALYZE room_members");
      }
      List<String> plan = new ArrayList<>();
      try (PreparedStatement explain =
          c.prepareStatement("EXPLAIN " + SearchStore.sql(true, false, 0, false))) {
        explain.setString(1, Snippets.MARKERS);
        explain.setString(2, word);
        explain.setString(3, Snippets.HEADLINE_OPTIONS);
        explain.setString(4, ann.id());
        explain.setString(5, word);
        explain.setInt(6, SearchRequest.DEFAULT_LIMIT + 1);
        try (ResultSet rs = explain.executeQuery()) {
          while (rs.next()) {
            plan.add(rs.getString(1));
          }
        }
      }
      System.out.println("search plan:\n" + String.join("\n", plan));
      assertThat(String.join("\n", plan))
          .contains("Bitmap Index Scan")
          .contains("Index Cond: (to_tsvector('simple'::regconfig");
    }
    assertThat(
            rest.get("/api/search?q=" + word, ann.token()).assertOk(200).getJsonArray("messages"))
        .hasSize(MESSAGES / 1000);
  }

  /**
   * {@code count} messages of {@code user} in rooms they belong to, every {@code every}-th with
   * {@code word}.
   */
  static void fill(Connection c, TestUser user, String word, int count, int every)
      throws Exception {
    String prefix = "plan-" + word + "-";
    try (PreparedStatement members =
        c.prepareStatement(
            "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, 'member', now())")) {
      for (int r = 0; r < ROOMS; r++) {
        members.setString(1, prefix + r);
        members.setString(2, user.id());
        members.addBatch();
      }
      members.executeBatch();
    }
    try (PreparedStatement rows =
        c.prepareStatement(
            "INSERT INTO messages (room_id, user_id, text, created_at)"
                + " SELECT ? || (i % ?), ?, 'message ' || i || ' about the weather'"
                + " || CASE WHEN i % ? = 0 THEN ' ' || ? ELSE '' END, now()"
                + " FROM generate_series(1, ?) i")) {
      rows.setString(1, prefix);
      rows.setInt(2, ROOMS);
      rows.setString(3, user.id());
      rows.setInt(4, every);
      rows.setString(5, word);
      rows.setInt(6, count);
      rows.executeUpdate();
    }
  }
}
