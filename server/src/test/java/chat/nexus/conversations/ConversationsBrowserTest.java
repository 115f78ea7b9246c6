package chat.nexus.conversations;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.ServerCases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web client's conversation list, badges, "Seen", toasts and drawer dot in Chromium. */
class ConversationsBrowserTest extends ServerCases {

  @Test
  void conversationsFollowTheUser(@TempDir Path workDir) {
    BrowserScript.run(workDir, "conversations.mjs", server, Map.of());
  }
}
