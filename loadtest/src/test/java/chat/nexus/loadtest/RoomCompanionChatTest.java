package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chat scenario with a companion in every room, against the real server (simulated provider):
 * the rooms are prepared, a share of the messages call the companion, and every mention is answered
 * or refused, each reply's tokens reaching each member once.
 */
class RoomCompanionChatTest {

  @Test
  void mentionsAreAnsweredOrRefusedAndTokensSentOncePerRoom() throws Exception {
    try (LocalChatServer server = new LocalChatServer()) {
      Path out = Files.createTempDirectory("companion-chat-").resolve("row.json");
      LoadTest.args =
          List.of(
                  "chat",
                  "--url",
                  server.url(),
                  "--jwt-secret",
                  LocalChatServer.SECRET,
                  "--clients",
                  "12",
                  "--rooms",
                  "3",
                  "--rate",
                  "20",
                  "--companion-mentions",
                  "0.3",
                  "--warmup",
                  "1s",
                  "--duration",
                  "3s",
                  "--drain",
                  "4s",
                  "--out",
                  out.toString())
              .toArray(String[]::new);
      int status = LoadTest.commandLine().execute(LoadTest.args);

      assertThat(status).isZero();
      JsonObject row = new JsonObject(Files.readString(out));
      long mentions = row.getLong("companion_mentions");
      long replies = row.getLong("companion_replies");
      assertThat(mentions).isPositive();
      assertThat(replies).isPositive();
      assertThat(replies + row.getLong("companion_refused") + row.getLong("companion_broken"))
          .isEqualTo(mentions);
      assertThat(row.getLong("companion_unanswered")).isZero();
      assertThat(row.getLong("companion_token_bytes"))
          .isEqualTo(row.getLong("companion_reply_bytes"))
          .isPositive();
      assertThat(row.getLong("lost")).isZero();
    }
  }
}
