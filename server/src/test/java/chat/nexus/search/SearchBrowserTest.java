package chat.nexus.search;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.ServerCases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web client's search (src/test/js/search.mjs) in Chromium, on a phone and a desktop. */
class SearchBrowserTest extends ServerCases {

  @Test
  void searchFindsAMessageAndOpensItInContext(@TempDir Path workDir) {
    BrowserScript.run(workDir, "search.mjs", server, Map.of());
  }
}
