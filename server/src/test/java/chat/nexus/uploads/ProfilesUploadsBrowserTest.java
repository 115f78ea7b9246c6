package chat.nexus.uploads;

import chat.nexus.testing.BrowserScript;
import chat.nexus.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client's profiles and uploads in Chromium (src/test/js/profiles-uploads.mjs): a handle
 * and an avatar set, an image shown inline to the other person, a file as a download link; desktop
 * and phone.
 */
class ProfilesUploadsBrowserTest {

  @TempDir Path workDir;

  @Test
  void profilesAndUploadsInTheBrowser() {
    BrowserScript.requireBrowser();
    try (TestServer server = TestServer.start()) {
      BrowserScript.run(workDir, "profiles-uploads.mjs", server, Map.of());
    }
  }
}
