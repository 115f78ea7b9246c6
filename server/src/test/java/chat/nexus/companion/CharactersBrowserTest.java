package chat.nexus.companion;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.ServerCases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The character editor, My characters, import, export and privacy in Chromium. */
class CharactersBrowserTest extends ServerCases {

  @Test
  void peopleMakeEditExportAndDeleteTheirCharacters(@TempDir Path workDir) {
    BrowserScript.run(workDir, "characters.mjs", server, Map.of());
  }
}
