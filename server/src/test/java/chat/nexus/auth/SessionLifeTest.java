package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.ChildProcess;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A socket's authentication over its life, through the official JavaScript client
 * (src/test/js/session-life.mjs): a token expiring on an open socket ends it at {@code exp} with
 * {@code token:expired}, and the client comes back by itself with a fresh token into the same
 * session (connection state recovery); a recovery id presented with another user's token gives a
 * new session, and without a token none (the session stays there for its owner).
 */
class SessionLifeTest {

  private static final Path SCRIPT = Path.of("src", "test", "js", "session-life.mjs");
  private static final long NODE_TIMEOUT_S = 90;

  /** The token outlives the connection set-up on a loaded machine. */
  private static final long SHORT_TOKEN_S = 4;

  /** How late after exp the close may come on a loaded two-core machine (a timer, then one hop). */
  private static final long EXPIRY_MARGIN_MS = 3_000;

  @TempDir Path workDir;

  @Test
  void anExpiringTokenEndsTheSocketAtExpAndRecoveryAuthenticatesTheSameUserAgain() {
    try (TestServer server = TestServer.start(Backend.H2, Map.of("JWT_LEEWAY_SECONDS", "0"))) {
      String ann = "ann-" + UUID.randomUUID();
      String bob = "bob-" + UUID.randomUUID();
      JsonObject shortClaims = Jwt.supabaseClaims(ann, "Ann", SHORT_TOKEN_S);
      String room = "life-" + UUID.randomUUID().toString().substring(0, 8);
      JsonObject out;
      try (ChildProcess node =
          ChildProcess.node(
              workDir,
              Map.of(
                  "NEXUS_URL", server.url(),
                  "NEXUS_ROOM", room,
                  "NEXUS_TOKEN_SHORT", Jwt.sign(TestServer.SECRET, shortClaims),
                  "NEXUS_SHORT_EXP", String.valueOf(shortClaims.getLong("exp")),
                  "NEXUS_TOKEN_A",
                      Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(ann, "Ann", 3600)),
                  "NEXUS_TOKEN_B",
                      Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(bob, "Bob", 3600))),
              SCRIPT)) {
        int exit = node.waitFor(NODE_TIMEOUT_S);
        assertThat(exit).as("node exit code; output:\n%s", node.output()).isZero();
        String last = node.output().lines().reduce((first, second) -> second).orElse("");
        out = new JsonObject(last);
      }
      assertThat(out.getJsonObject("join").getBoolean("ok")).isTrue();
      assertThat(out.getJsonObject("expired")).isEqualTo(new JsonObject().put("reason", "expired"));
      // exp has whole seconds: the close comes in the second after it at the earliest
      assertThat(out.getLong("expiredAfterExpMs")).isBetween(-1_000L, EXPIRY_MARGIN_MS);
      assertThat(out.getString("disconnectReason"))
          .as("a transport close, which the client retries")
          .isEqualTo("transport close");

      JsonObject afterExpiry = out.getJsonObject("afterExpiry");
      assertThat(afterExpiry.getBoolean("recovered")).as("%s", out).isTrue();
      assertThat(afterExpiry.getString("id")).isEqualTo(out.getString("firstId"));
      assertThat(afterExpiry.getJsonObject("send").getBoolean("ok"))
          .as("still in the room: %s", afterExpiry)
          .isTrue();

      JsonObject otherUser = out.getJsonObject("otherUser");
      assertThat(otherUser.getBoolean("recovered")).as("%s", out).isFalse();
      assertThat(otherUser.getString("id")).isNotEqualTo(out.getString("firstId"));
      Rest.assertErrorShape(otherUser.getJsonObject("send"), "FORBIDDEN");

      assertThat(out.getString("noToken")).isEqualTo("unauthorized");
      JsonObject afterRefusal = out.getJsonObject("afterRefusal");
      assertThat(afterRefusal.getBoolean("recovered"))
          .as("a refused attempt keeps the session: %s", out)
          .isTrue();
      assertThat(afterRefusal.getString("id")).isEqualTo(otherUser.getString("id"));
      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM messages WHERE room_id = ? AND user_id = ?", room, bob))
          .isZero();
      assertThat(
              server.count(
                  "SELECT COUNT(*) FROM messages WHERE room_id = ? AND user_id = ?", room, ann))
          .isEqualTo(1);
    }
  }
}
