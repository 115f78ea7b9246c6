package chat.nexus.chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * message:send through the official JavaScript client (src/test/js/sends.mjs): for payloads the
 * Java client cannot send as they are, such as a lone UTF-16 surrogate.
 */
final class NodeSends {

  private static final Path SCRIPT = Path.of("src", "test", "js", "sends.mjs");
  private static final long NODE_TIMEOUT_S = 60;

  private NodeSends() {}

  /** Joins {@code roomId} and sends each payload in turn; the acks, in order. */
  static JsonArray send(String url, String token, String roomId, JsonArray payloads) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("nexus-node-");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Map<String, String> env =
        Map.of(
            "NEXUS_URL",
            url,
            "NEXUS_TOKEN",
            token,
            "NEXUS_ROOM",
            roomId,
            "NEXUS_PAYLOADS",
            ascii(payloads.encode()));
    try (ChildProcess node = ChildProcess.node(workDir, env, SCRIPT)) {
      int exit = node.waitFor(NODE_TIMEOUT_S);
      assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
      String last = node.output().lines().reduce((first, second) -> second).orElse("");
      return new JsonArray(last);
    } finally {
      workDir.toFile().delete();
    }
  }

  /**
   * JSON with every non-ASCII character as a \\uXXXX escape: the environment of a process is bytes,
   * and a lone surrogate would not survive the way there as a character.
   */
  static String ascii(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x80) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }
}
