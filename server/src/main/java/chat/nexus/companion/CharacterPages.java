package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.store.Database;
import chat.nexus.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lists of characters, in JDBC: the gallery (public characters, searched by name and tag) and
 * one owner's characters, newest first, in keyset pages. Lines come from the short {@code summary}
 * column, never by parsing cards. Blocking: call from a worker.
 */
final class CharacterPages {

  private static final Logger LOG = LoggerFactory.getLogger(CharacterPages.class);

  private static final String COLUMNS =
      "SELECT c.id, c.summary, c.view_count, CASE WHEN c.summary IS NULL THEN c.card END,"
          + " c.avatar IS NOT NULL, c.created_at, c.visibility FROM characters c";

  /** Characters whose search keys are made per batch at start-up. */
  private static final int INDEX_BATCH = 200;

  /**
   * Lines of the list, newest first, each with its views; {@code nextBefore} is the cursor of the
   * next page, or null.
   */
  record Page(List<String> lines, String nextBefore) {}

  private final Database database;

  CharacterPages(Database database) {
    this.database = database;
  }

  /**
   * Up to {@code limit} public characters found by the search, newest first, after the character
   * {@code before} (null: from the newest; an unknown id: an empty page).
   */
  Page gallery(String before, int limit, CharacterSearch search) throws SQLException {
    List<Object> values = new ArrayList<>(List.of(search.patterns()));
    return page(
        "c.visibility = 'public' AND c.deleted_at IS NULL" + search.conditions(),
        values,
        before,
        limit,
        false);
  }

  /** Up to {@code limit} characters of this owner, newest first, each line with its visibility. */
  Page owned(String ownerId, String before, int limit) throws SQLException {
    List<Object> values = new ArrayList<>(List.of(ownerId));
    return page("c.owner_id = ? AND c.deleted_at IS NULL", values, before, limit, true);
  }

  private Page page(
      String where, List<Object> values, String before, int limit, boolean withVisibility)
      throws SQLException {
    StringBuilder sql = new StringBuilder(COLUMNS);
    if (before != null) {
      sql.append(" JOIN characters b ON b.id = ?");
      values.add(0, before);
    }
    sql.append(" WHERE ").append(where);
    if (before != null) {
      sql.append(
          " AND (c.created_at < b.created_at OR (c.created_at = b.created_at AND c.id > b.id))");
    }
    sql.append(" ORDER BY c.created_at DESC, c.id LIMIT ?");
    values.add(limit + 1);
    Map<String, String> made = new LinkedHashMap<>();
    Page page =
        database.read(
            CharacterStore.TABLE,
            c -> readPage(c, sql.toString(), values, limit, withVisibility, made));
    if (!made.isEmpty()) {
      // written on the primary: the page may have been read on a replica
      try (Connection c = database.connection();
          PreparedStatement update =
              c.prepareStatement(
                  "UPDATE characters SET summary = ? WHERE id = ? AND summary IS NULL")) {
        for (Map.Entry<String, String> line : made.entrySet()) {
          update.setString(1, line.getValue());
          update.setString(2, line.getKey());
          update.addBatch();
        }
        update.executeBatch();
      }
    }
    return page;
  }

  /** The page's rows; the lines made for rows without a summary go into {@code made}. */
  private static Page readPage(
      Connection c,
      String sql,
      List<Object> values,
      int limit,
      boolean withVisibility,
      Map<String, String> made)
      throws SQLException {
    made.clear();
    List<String> lines = new ArrayList<>();
    String last = null;
    int scanned = 0;
    boolean more = false;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.size(); i++) {
        ps.setObject(i + 1, values.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (scanned == limit) {
            more = true;
            break;
          }
          scanned++;
          String id = rs.getString(1);
          last = id;
          String summary = rs.getString(2);
          if (summary == null) {
            summary =
                summaryOf(id, rs.getString(4), rs.getBoolean(5), Sql.instant(rs.getObject(6)));
            if (summary == null) {
              continue;
            }
            made.put(id, summary);
          }
          String line = CharacterSummary.withViews(summary, rs.getLong(3));
          lines.add(withVisibility ? CharacterSummary.withVisibility(line, rs.getString(7)) : line);
        }
      }
    }
    return new Page(lines, more ? last : null);
  }

  private static String summaryOf(String id, String card, boolean hasAvatar, Instant createdAt) {
    try {
      return CharacterSummary.json(id, CharacterCard.stored(card), hasAvatar, createdAt);
    } catch (ApiException e) {
      LOG.warn(
          "character {} has an unreadable stored card, left out of the list: {}",
          id,
          e.getMessage());
      return null;
    }
  }

  /**
   * Makes the search keys of the characters stored before there were any (a card is parsed for its
   * tags, which SQL alone cannot read on both databases); how many. Blocking: at start-up.
   */
  int indexSearch() throws SQLException {
    int done = 0;
    while (true) {
      Map<String, String[]> keys = new LinkedHashMap<>();
      try (Connection c = database.connection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, card, name FROM characters WHERE name_key IS NULL OR tag_keys IS NULL"
                      + " LIMIT "
                      + INDEX_BATCH);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.put(rs.getString(1), keysOf(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      if (keys.isEmpty()) {
        return done;
      }
      try (Connection c = database.connection();
          PreparedStatement update =
              c.prepareStatement("UPDATE characters SET name_key = ?, tag_keys = ? WHERE id = ?")) {
        for (Map.Entry<String, String[]> key : keys.entrySet()) {
          update.setString(1, key.getValue()[0]);
          update.setString(2, key.getValue()[1]);
          update.setString(3, key.getKey());
          update.addBatch();
        }
        update.executeBatch();
      }
      done += keys.size();
    }
  }

  /** The name and tag keys of a stored card; an unreadable card is found by its name only. */
  private static String[] keysOf(String id, String card, String name) {
    try {
      CharacterCard parsed = CharacterCard.stored(card);
      return new String[] {CharacterSearch.nameKey(parsed), CharacterSearch.tagKeys(parsed)};
    } catch (ApiException e) {
      LOG.warn("character {} has an unreadable stored card, found by name only", id);
      return new String[] {name.toLowerCase(java.util.Locale.ROOT), "|"};
    }
  }
}
