package chat.nexus.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.rooms.RoomIds;
import chat.nexus.testing.Bodies;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestUser;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Files and images in rooms: uploading (multipart and raw), reading them back, what they are taken
 * for whatever the client says, who may read them, and messages carrying them; run on each storage
 * backend by the subclasses.
 */
abstract class UploadCases extends ServerCases {

  /** Small, so that "too large" costs the test little. */
  static final int MAX_BYTES = 300_000;

  Bodies bodies;

  @Override
  protected Map<String, String> env() {
    return Map.of("UPLOAD_MAX_BYTES", String.valueOf(MAX_BYTES));
  }

  @BeforeAll
  void bodies() {
    bodies = new Bodies(server.url());
  }

  static String uploads(String roomId) {
    return "/api/rooms/" + roomId + "/uploads";
  }

  JsonObject uploadOk(TestUser user, String roomId, String name, String type, byte[] bytes) {
    return bodies
        .postFile(uploads(roomId), name, type, bytes, user.token())
        .assertOk(201)
        .getJsonObject("upload");
  }

  // ---- uploading ----

  @Test
  void anImageSentAsFormDataIsShownInlineWithAPreview() {
    TestUser ann = user("Ann");
    String room = room();
    byte[] photo = Bodies.picture(1200, 800, "jpeg");
    JsonObject upload = uploadOk(ann, room, "holiday.jpg", "image/jpeg", photo);
    assertThat(upload.getString("name")).isEqualTo("holiday.jpg");
    assertThat(upload.getString("contentType")).isEqualTo("image/jpeg");
    assertThat(upload.getLong("size")).isEqualTo(photo.length);
    assertThat(upload.getBoolean("image")).isTrue();
    assertThat(upload.getInteger("width")).isEqualTo(1200);
    assertThat(upload.getInteger("height")).isEqualTo(800);

    HttpResponse<byte[]> preview =
        bodies.getBytes("/api/uploads/" + upload.getString("id") + "/preview", ann.token());
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(Bodies.size(preview.body())).containsExactly(480, 320);

    HttpResponse<byte[]> full =
        bodies.getBytes("/api/uploads/" + upload.getString("id"), ann.token());
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(full.body()).isEqualTo(photo);
    assertThat(full.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(full.headers().firstValue("Content-Disposition").orElse("")).startsWith("inline");
    assertThat(full.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void aFileSentAsTheRawBodyIsServedAsADownload() {
    TestUser ann = user("Ann");
    String room = room();
    byte[] text = "minutes of the meeting\n".repeat(50).getBytes(StandardCharsets.UTF_8);
    JsonObject upload =
        bodies
            .post(
                uploads(room) + "?name=notes%20%C3%A9t%C3%A9.txt", "text/plain", text, ann.token())
            .assertOk(201)
            .getJsonObject("upload");
    assertThat(upload.getString("name")).isEqualTo("notes été.txt");
    assertThat(upload.getString("contentType")).isEqualTo("text/plain");
    assertThat(upload.getBoolean("image")).isFalse();
    assertThat(upload.containsKey("width")).isFalse();

    HttpResponse<byte[]> served =
        bodies.getBytes("/api/uploads/" + upload.getString("id"), ann.token());
    assertThat(served.body()).isEqualTo(text);
    assertThat(served.headers().firstValue("Content-Disposition").orElse(""))
        .startsWith("attachment;")
        .contains("filename*=UTF-8''notes%20%C3%A9t%C3%A9.txt");
    assertThat(served.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'none'")
        .contains("sandbox");
    assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    bodies
        .getBytes("/api/uploads/" + upload.getString("id") + "/preview", ann.token())
        .statusCode();
    rest.get("/api/uploads/" + upload.getString("id") + "/preview", ann.token())
        .assertError(404, "NOT_FOUND");
  }

  @Test
  void htmlDeclaredAsAPngIsTakenForHtmlAndNeverServedAsAPage() {
    TestUser ann = user("Ann");
    byte[] html =
        "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
            .getBytes(StandardCharsets.UTF_8);
    JsonObject upload = uploadOk(ann, room(), "cat.png", "image/png", html);
    assertThat(upload.getString("contentType")).isEqualTo("text/html");
    assertThat(upload.getBoolean("image")).isFalse();
    HttpResponse<byte[]> served =
        bodies.getBytes("/api/uploads/" + upload.getString("id"), ann.token());
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(served.headers().firstValue("Content-Disposition").orElse(""))
        .startsWith("attachment");
    assertThat(served.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("sandbox");
  }

  @Test
  void svgIsNotAnImage() {
    TestUser ann = user("Ann");
    byte[] svg =
        ("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                + "<script>alert(1)</script></svg>")
            .getBytes(StandardCharsets.UTF_8);
    JsonObject upload = uploadOk(ann, room(), "logo.svg", "image/svg+xml", svg);
    assertThat(upload.getString("contentType")).isEqualTo("image/svg+xml");
    assertThat(upload.getBoolean("image")).isFalse();
    HttpResponse<byte[]> served =
        bodies.getBytes("/api/uploads/" + upload.getString("id"), ann.token());
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
  }

  @Test
  void aPngNamedTxtIsStillAPicture() {
    TestUser ann = user("Ann");
    JsonObject upload =
        uploadOk(ann, room(), "not-a-picture.txt", "text/plain", Bodies.picture(40, 30, "png"));
    assertThat(upload.getString("contentType")).isEqualTo("image/png");
    assertThat(upload.getBoolean("image")).isTrue();
  }

  @Test
  void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() {
    TestUser ann = user("Ann");
    byte[] big = new byte[MAX_BYTES + UploadRoutes.MULTIPART_OVERHEAD_BYTES + 1];
    bodies
        .post(uploads(room()) + "?name=big.bin", "application/octet-stream", big, ann.token())
        .assertError(413, "PAYLOAD_TOO_LARGE");
  }

  @Test
  void aFileJustOverTheLimitIsRefused() {
    TestUser ann = user("Ann");
    byte[] big = new byte[MAX_BYTES + 1];
    bodies
        .postFile(uploads(room()), "big.bin", "application/octet-stream", big, ann.token())
        .assertError(413, "PAYLOAD_TOO_LARGE");
    bodies
        .post(uploads(room()) + "?name=big.bin", "application/octet-stream", big, ann.token())
        .assertError(413, "PAYLOAD_TOO_LARGE");
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefusedAsItComesIn() throws Exception {
    TestUser ann = user("Ann");
    // No Content-Length: the body streams until the server has seen enough.
    InputStream endless =
        new InputStream() {
          long sent;

          @Override
          public int read() {
            return sent++ < 50L * MAX_BYTES ? 'x' : -1;
          }
        };
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + uploads(room()) + "?name=stream.bin"))
            .header("Authorization", "Bearer " + ann.token())
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> endless))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(413);
    } catch (IOException e) {
      // the server may close the connection while the client still sends: refused all the same
    }
  }

  @Test
  void uploadsAreRefusedWithoutSignInEmptyOrInABadRoom() {
    TestUser ann = user("Ann");
    bodies
        .postFile(uploads(room()), "a.txt", "text/plain", "hi".getBytes(), null)
        .assertError(401, "UNAUTHORIZED");
    bodies
        .post(uploads(room()) + "?name=a.txt", "text/plain", new byte[0], ann.token())
        .assertError(400, "BAD_REQUEST");
    bodies
        .postFile(uploads("bad%20room"), "a.txt", "text/plain", "hi".getBytes(), ann.token())
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void noUploadToARoomOneMayNotRead() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser eve = user("Eve");
    String dm = RoomIds.direct(ann.id(), bob.id());
    bodies
        .postFile(uploads(dm), "a.txt", "text/plain", "psst".getBytes(), eve.token())
        .assertError(403, "FORBIDDEN");
    uploadOk(ann, dm, "a.txt", "text/plain", "psst".getBytes());
  }

  @Test
  void aPrivateRoomsUploadsAreForItsMembersOnly() {
    TestUser ann = user("Ann");
    TestUser eve = user("Eve");
    String room = room();
    server.update(
        "INSERT INTO rooms (id, kind, created_at, visibility, owner_id)"
            + " VALUES (?, 'public', CURRENT_TIMESTAMP, 'private', ?)",
        room,
        ann.id());
    server.update(
        "INSERT INTO room_members (room_id, user_id, role, joined_at)"
            + " VALUES (?, ?, 'owner', CURRENT_TIMESTAMP)",
        room,
        ann.id());
    JsonObject upload = uploadOk(ann, room, "plan.txt", "text/plain", "secret plan".getBytes());
    bodies
        .postFile(uploads(room), "x.txt", "text/plain", "let me in".getBytes(), eve.token())
        .assertError(403, "FORBIDDEN");
    rest.get("/api/uploads/" + upload.getString("id"), eve.token()).assertError(403, "FORBIDDEN");
    assertThat(bodies.getBytes("/api/uploads/" + upload.getString("id"), ann.token()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void anUploadToAPrivateRoomSpelledInOtherCaseStaysPrivate() {
    TestUser ann = user("Ann");
    TestUser eve = user("Eve");
    String room = room();
    server.update(
        "INSERT INTO rooms (id, kind, created_at, visibility, owner_id)"
            + " VALUES (?, 'public', CURRENT_TIMESTAMP, 'private', ?)",
        room,
        ann.id());
    server.update(
        "INSERT INTO room_members (room_id, user_id, role, joined_at)"
            + " VALUES (?, ?, 'owner', CURRENT_TIMESTAMP)",
        room,
        ann.id());
    JsonObject upload =
        uploadOk(ann, room.toUpperCase(), "plan.txt", "text/plain", "secret plan".getBytes());
    rest.get("/api/uploads/" + upload.getString("id"), eve.token()).assertError(403, "FORBIDDEN");
    Client annSocket = joined(ann, room);
    JsonObject ack =
        annSocket.call(
            "message:send",
            new JsonObject().put("roomId", room).put("attachmentId", upload.getString("id")));
    assertThat(ack.getBoolean("ok")).as("%s", ack).isTrue();
  }

  // ---- reading ----

  @Test
  void onlyThoseWhoMayReadTheRoomReadItsUploads() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    TestUser eve = user("Eve");
    String dm = RoomIds.direct(ann.id(), bob.id());
    JsonObject upload = uploadOk(ann, dm, "p.png", "image/png", Bodies.picture(20, 20, "png"));
    String path = "/api/uploads/" + upload.getString("id");
    assertThat(bodies.getBytes(path, bob.token()).statusCode()).isEqualTo(200);
    rest.get(path, eve.token()).assertError(403, "FORBIDDEN");
    rest.get(path + "/preview", eve.token()).assertError(403, "FORBIDDEN");
    rest.get(path).assertError(401, "UNAUTHORIZED");
    rest.get("/api/uploads/AAAAAAAAAAAAAAAAAAAA", ann.token()).assertError(404, "NOT_FOUND");
    rest.get("/api/uploads/no.such", ann.token()).assertError(404, "NOT_FOUND");
  }

  // ---- messages with attachments ----

  @Test
  void aMessageCarriesItsAttachmentToEveryoneAndIntoHistory() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String room = room();
    Client annSocket = joined(ann, room);
    Client bobSocket = joined(bob, room);
    JsonObject upload =
        uploadOk(ann, room, "cat.png", "image/png", Bodies.picture(600, 300, "png"));

    JsonObject ack =
        annSocket.call(
            "message:send",
            new JsonObject().put("roomId", room).put("attachmentId", upload.getString("id")));
    assertThat(ack.getBoolean("ok")).as("%s", ack).isTrue();
    JsonObject attachment = ack.getJsonObject("message").getJsonObject("attachment");
    assertThat(attachment).isEqualTo(upload);
    assertThat(ack.getJsonObject("message").getString("text")).isEmpty();

    JsonObject heard = bobSocket.next("message:new");
    assertThat(heard.getJsonObject("attachment")).isEqualTo(upload);

    JsonArray history =
        rest.get("/api/rooms/" + room + "/messages", bob.token())
            .assertOk(200)
            .getJsonArray("messages");
    assertThat(history.getJsonObject(0).getJsonObject("attachment")).isEqualTo(upload);
  }

  @Test
  void aDeletedMessagesUploadIsGoneForEveryone() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String room = room();
    Client annSocket = joined(ann, room);
    joined(bob, room);
    JsonObject upload =
        uploadOk(ann, room, "cat.png", "image/png", Bodies.picture(600, 300, "png"));
    String path = "/api/uploads/" + upload.getString("id");
    JsonObject withIt =
        new JsonObject().put("roomId", room).put("attachmentId", upload.getString("id"));
    long id = annSocket.call("message:send", withIt).getJsonObject("message").getLong("id");
    long again = annSocket.call("message:send", withIt).getJsonObject("message").getLong("id");
    assertThat(rest.get(path, bob.token()).status()).isEqualTo(200);

    // another message still carries it: it stays
    JsonObject first =
        annSocket.call(
            "message:delete", new JsonObject().put("roomId", room).put("messageId", again));
    assertThat(first.getBoolean("ok")).as("%s", first).isTrue();
    assertThat(rest.get(path, bob.token()).status()).isEqualTo(200);

    JsonObject deleted =
        annSocket.call("message:delete", new JsonObject().put("roomId", room).put("messageId", id));
    assertThat(deleted.getBoolean("ok")).as("%s", deleted).isTrue();
    String uploadId = upload.getString("id");
    Waits.untilTrue(
        () ->
            server.count(
                    "SELECT COUNT(*) FROM upload_blobs WHERE blob_key LIKE ?",
                    "uploads/" + uploadId + "%")
                == 0,
        "the upload's bytes deleted");
    assertThat(server.count("SELECT COUNT(*) FROM uploads WHERE id = ?", uploadId)).isZero();
    rest.get(path, bob.token()).assertError(404, "NOT_FOUND");
    rest.get(path + "/preview", ann.token()).assertError(404, "NOT_FOUND");
  }

  @Test
  void aMessageWithTextAndAFile() {
    TestUser ann = user("Ann");
    String room = room();
    Client socket = joined(ann, room);
    JsonObject upload =
        uploadOk(ann, room, "a.pdf", "application/pdf", "%PDF-1.4\n%...".getBytes());
    JsonObject ack =
        socket.call(
            "message:send",
            new JsonObject()
                .put("roomId", room)
                .put("text", "the report")
                .put("attachmentId", upload.getString("id")));
    assertThat(ack.getJsonObject("message").getString("text")).isEqualTo("the report");
    assertThat(ack.getJsonObject("message").getJsonObject("attachment").getString("contentType"))
        .isEqualTo("application/pdf");
  }

  @Test
  void attachmentsOfOthersOrOfOtherRoomsOrUnknownOnesAreRefused() {
    TestUser ann = user("Ann");
    TestUser bob = user("Bob");
    String room = room();
    String other = room();
    Client annSocket = joined(ann, room);
    join(annSocket, other);
    JsonObject bobs = uploadOk(bob, room, "b.txt", "text/plain", "bob's".getBytes());
    JsonObject elsewhere = uploadOk(ann, other, "a.txt", "text/plain", "ann's".getBytes());

    Rest.assertErrorShape(
        annSocket.call(
            "message:send",
            new JsonObject().put("roomId", room).put("attachmentId", bobs.getString("id"))),
        "FORBIDDEN");
    Rest.assertErrorShape(
        annSocket.call(
            "message:send",
            new JsonObject().put("roomId", room).put("attachmentId", elsewhere.getString("id"))),
        "FORBIDDEN");
    Rest.assertErrorShape(
        annSocket.call(
            "message:send",
            new JsonObject().put("roomId", room).put("attachmentId", "AAAAAAAAAAAAAAAAAAAA")),
        "BAD_REQUEST");
    Rest.assertErrorShape(
        annSocket.call(
            "message:send", new JsonObject().put("roomId", room).put("attachmentId", 42)),
        "BAD_REQUEST");
    Rest.assertErrorShape(
        annSocket.call("message:send", new JsonObject().put("roomId", room).put("text", "")),
        "BAD_REQUEST");
  }
}
