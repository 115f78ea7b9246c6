package chat.nexus.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The mentions of new messages, inserted in the transaction that stores the messages: a message is
 * acknowledged with its mentions or not at all, and a batch's mentions cost one more statement,
 * none when no message of the batch mentions anyone.
 */
final class MentionRows {

  private static final String INSERT =
      "INSERT INTO mentions (user_id, room_id, message_id) VALUES (?, ?, ?)";

  private MentionRows() {}

  /** Inserts the mentions of {@code messages}, stored under {@code ids} (in the same order). */
  static void insert(Connection c, List<NewMessage> messages, List<Long> ids) throws SQLException {
    PreparedStatement ps = null;
    try {
      for (int i = 0; i < messages.size(); i++) {
        NewMessage m = messages.get(i);
        for (String userId : m.mentions()) {
          if (ps == null) {
            ps = c.prepareStatement(INSERT);
          }
          ps.setString(1, userId);
          ps.setString(2, m.roomId());
          ps.setLong(3, ids.get(i));
          ps.addBatch();
        }
      }
      if (ps != null) {
        ps.executeBatch();
      }
    } finally {
      if (ps != null) {
        ps.close();
      }
    }
  }
}
