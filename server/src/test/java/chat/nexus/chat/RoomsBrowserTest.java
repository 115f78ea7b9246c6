package chat.nexus.chat;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rooms, roles and moderation UI in Chromium (server/src/test/js/rooms.mjs). */
class RoomsBrowserTest {

  @Test
  void threePeopleUseRoomsWithOwnersInTheWebClient(@TempDir Path workDir) {
    BrowserScript.requireBrowser();
    try (TestServer server = TestServer.start()) {
      BrowserScript.run(workDir, "rooms.mjs", server, Map.of());
    }
  }
}
