package chat.nexus.companion;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo companion (Mira) that a server with no character at all imports at start-up, so that the
 * web client's gallery is not empty on a fresh install. It is a PNG carrying a Character Card V2,
 * read as an upload would be; its art is the avatar.
 */
public final class DemoCharacter {

  /**
   * A fixed id: nodes starting together on one empty database insert it once (the others hit the
   * key).
   */
  public static final String ID = "demo-mira";

  static final String RESOURCE = "/seed/demo-character.png";

  /** SQLSTATE of a unique key violation, on PostgreSQL and H2 alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final Logger LOG = LoggerFactory.getLogger(DemoCharacter.class);

  private DemoCharacter() {}

  /**
   * Imports the demo card when there is no character yet. Blocking: call at start-up or from a
   * worker.
   */
  public static boolean seedIfEmpty(CharacterStore store) throws SQLException {
    if (store.any()) {
      return false;
    }
    CardUpload upload = CardUpload.png(read());
    StoredCharacter demo = new StoredCharacter(ID, upload.card(), null, Instant.now(), true);
    try {
      store.insert(demo, upload);
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false; // another node seeded it first
      }
      throw e;
    }
    LOG.info("no characters yet: added the demo companion '{}' (id {})", demo.card().name(), ID);
    return true;
  }

  static byte[] read() {
    try (InputStream in = DemoCharacter.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }
}
