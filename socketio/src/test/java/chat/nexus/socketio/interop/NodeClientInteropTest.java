package chat.nexus.socketio.interop;

import chat.nexus.socketio.testing.InteropApp;
import chat.nexus.socketio.testing.NodeTests;
import chat.nexus.socketio.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the interop scenarios of {@code src/test/js/interop.test.mjs} with the official Node client
 * (socket.io-client, pinned in {@code src/test/js/package-lock.json} and installed by the build's
 * {@code npm ci}) against {@link InteropApp}, and reports each scenario as a JUnit test (see {@link
 * NodeTests}).
 */
class NodeClientInteropTest {

  @TestFactory
  List<DynamicTest> officialNodeClient() throws Exception {
    try (TestServer server = InteropApp.start()) {
      return NodeTests.run("interop.test.mjs", Map.of("NEXUS_URL", server.url()));
    }
  }
}
