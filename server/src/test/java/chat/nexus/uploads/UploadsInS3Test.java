package chat.nexus.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Bodies;
import chat.nexus.testing.Client;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * UPLOAD_STORE=s3: the bytes go to the bucket (a fake S3 on 127.0.0.1, {@link FakeS3}), not the
 * database, and come back from it.
 */
class UploadsInS3Test {

  @Test
  void theBucketsKeysNeverShowInTheConfigurationReport() {
    Map<String, String> env =
        Map.of(
            "UPLOAD_STORE", "s3",
            "S3_ENDPOINT", "http://127.0.0.1:9",
            "S3_BUCKET", "chat-files",
            "S3_ACCESS_KEY", "AKIA-visible-nowhere",
            "S3_SECRET_KEY", "secret-visible-nowhere");
    String report =
        String.valueOf(chat.nexus.config.ConfigReport.of(chat.nexus.ServerConfig.from(env), env));
    assertThat(report).contains("chat-files").doesNotContain("visible-nowhere");
  }

  @Test
  void s3WithoutItsSettingsIsAConfigurationError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> chat.nexus.ServerConfig.from(Map.of("UPLOAD_STORE", "s3")))
        .isInstanceOf(chat.nexus.config.ConfigException.class)
        .hasMessageContaining("S3_BUCKET");
  }

  @Test
  void filesAndPreviewsGoToTheBucketAndComeBack() throws Exception {
    try (FakeS3 s3 = new FakeS3();
        TestServer server =
            TestServer.start(
                Backend.H2,
                Map.of(
                    "UPLOAD_STORE", "s3",
                    "S3_ENDPOINT", s3.endpoint(),
                    "S3_BUCKET", "chat-files",
                    "S3_REGION", "eu-west-1",
                    "S3_ACCESS_KEY", "test-access",
                    "S3_SECRET_KEY", "test-secret-key-value"))) {
      TestUser ann = TestUser.of(server.guest("Ann"));
      Bodies bodies = new Bodies(server.url());
      byte[] photo = Bodies.picture(960, 640, "jpeg");
      JsonObject image =
          bodies
              .postFile("/api/rooms/s3room/uploads", "photo.jpg", "image/jpeg", photo, ann.token())
              .assertOk(201)
              .getJsonObject("upload");
      String id = image.getString("id");
      assertThat(s3.objects)
          .containsKeys("/chat-files/uploads/" + id, "/chat-files/uploads/" + id + "/preview");
      assertThat(s3.objects.get("/chat-files/uploads/" + id)).isEqualTo(photo);
      assertThat(server.count("SELECT COUNT(*) FROM upload_blobs")).isZero();
      assertThat(server.count("SELECT COUNT(*) FROM uploads WHERE id = ? AND store = 's3'", id))
          .isEqualTo(1);

      HttpResponse<byte[]> full = bodies.getBytes("/api/uploads/" + id, ann.token());
      assertThat(full.statusCode()).isEqualTo(200);
      assertThat(full.body()).isEqualTo(photo);
      HttpResponse<byte[]> preview =
          bodies.getBytes("/api/uploads/" + id + "/preview", ann.token());
      assertThat(Bodies.size(preview.body())).containsExactly(480, 320);

      byte[] text = "plain words".getBytes(StandardCharsets.UTF_8);
      JsonObject file =
          bodies
              .post("/api/rooms/s3room/uploads?name=a.txt", "text/plain", text, ann.token())
              .assertOk(201)
              .getJsonObject("upload");
      assertThat(bodies.getBytes("/api/uploads/" + file.getString("id"), ann.token()).body())
          .isEqualTo(text);

      // a deleted message's upload leaves the bucket
      Client socket = server.connect(ann.token());
      socket.call("room:join", new JsonObject().put("roomId", "s3room"));
      long sent =
          socket
              .call(
                  "message:send", new JsonObject().put("roomId", "s3room").put("attachmentId", id))
              .getJsonObject("message")
              .getLong("id");
      socket.call(
          "message:delete", new JsonObject().put("roomId", "s3room").put("messageId", sent));
      Waits.untilTrue(
          () ->
              !s3.objects.containsKey("/chat-files/uploads/" + id)
                  && !s3.objects.containsKey("/chat-files/uploads/" + id + "/preview"),
          "the file and its preview deleted");

      s3.objects.clear();
      server
          .rest()
          .get("/api/uploads/" + file.getString("id"), ann.token())
          .assertError(404, "NOT_FOUND");
    }
  }
}
