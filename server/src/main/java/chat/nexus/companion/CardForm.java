package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A card file sent as multipart/form-data, as a browser's FormData sends it: the file in the field
 * {@code file}, and an optional field {@code visibility}. Read in memory, counted as it comes: a
 * file over {@link CharacterRoutes#UPLOAD_LIMIT_BYTES} fails at once with PAYLOAD_TOO_LARGE; the
 * other fields are bounded by the HTTP server's form limits; other files are dropped unread.
 *
 * @param bytes the file
 * @param contentType the file's type as the browser said, or application/octet-stream
 * @param visibility the visibility field, or null
 */
record CardForm(byte[] bytes, String contentType, String visibility) {

  static final String FILE_FIELD = "file";

  /** Reads the form of a paused request (resumed here). */
  static Future<CardForm> read(HttpServerRequest request) {
    Promise<CardForm> done = Promise.promise();
    Buffer file = Buffer.buffer();
    String[] type = {null};
    boolean[] seen = {false};
    request.setExpectMultipart(true);
    request.uploadHandler(
        upload -> {
          if (!FILE_FIELD.equals(upload.name()) || seen[0]) {
            upload.handler(dropped -> {});
            return;
          }
          seen[0] = true;
          type[0] = upload.contentType();
          upload.handler(
              chunk -> {
                if (file.length() + chunk.length() > CharacterRoutes.UPLOAD_LIMIT_BYTES) {
                  done.tryFail(
                      CardLimits.tooLarge(
                          "the file is over " + CharacterRoutes.UPLOAD_LIMIT_BYTES + " bytes"));
                } else if (!done.future().isComplete()) {
                  file.appendBuffer(chunk);
                }
              });
        });
    request.exceptionHandler(done::tryFail);
    request.endHandler(
        end -> {
          if (!seen[0]) {
            done.tryFail(ApiException.badRequest("send the card file in a form field named file"));
            return;
          }
          String given = type[0] == null || type[0].isBlank() ? null : type[0];
          done.tryComplete(
              new CardForm(
                  file.getBytes(),
                  given == null ? "application/octet-stream" : given,
                  request.formAttributes().get("visibility")));
        });
    request.resume();
    return done.future();
  }
}
