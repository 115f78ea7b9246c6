package chat.nexus.roomcompanions;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.ServerCases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Companions in a group room in Chromium: added in the settings, a reply streamed to two people.
 */
class RoomCompanionsBrowserTest extends ServerCases {

  @Override
  protected Map<String, String> env() {
    // slow enough for the stream to be seen before the stored reply replaces it
    return Map.of("LLM_SIMULATED_TOKEN_MS", "80");
  }

  @Test
  void aCompanionAnswersTheRoom(@TempDir Path workDir) {
    BrowserScript.run(workDir, "room-companions.mjs", server, Map.of());
  }
}
