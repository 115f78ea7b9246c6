package chat.nexus.chat;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client's message actions in Chromium (src/test/js/message-actions.mjs): two people, one
 * on a desktop window and one on a phone, edit, reply to, react to and delete messages.
 */
class MessageActionsBrowserTest {

  @TempDir Path workDir;

  @Test
  void editReplyReactAndDeleteInTheWebClient() {
    BrowserScript.requireBrowser();
    try (TestServer server = TestServer.start()) {
      BrowserScript.run(workDir, "message-actions.mjs", server, Map.of());
    }
  }
}
