package chat.nexus.companion;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.ServerCases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A companion's chats, swipes, edits, persona and memory in the web client, in Chromium. */
class CompanionChatsBrowserTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    return Map.of("LLM_SIMULATED_TOKEN_MS", "5");
  }

  @Test
  void chatsSwipesEditsPersonaAndMemory(@TempDir Path workDir) {
    BrowserScript.run(workDir, "companion-chats.mjs", server, Map.of());
  }
}
