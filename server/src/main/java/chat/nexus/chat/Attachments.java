package chat.nexus.chat;

import chat.nexus.errors.ApiException;
import io.vertx.core.Future;

/**
 * What a message may carry besides its text: an upload of its sender in its room. Implemented by
 * the uploads, so that chat knows nothing of how files are stored.
 */
public interface Attachments {

  /**
   * The JSON text of the attachment of upload {@code uploadId}, sent by {@code userId} to {@code
   * roomId}: BAD_REQUEST for an unknown upload, FORBIDDEN for someone else's or another room's.
   */
  Future<String> attach(String uploadId, String userId, String roomId);

  /** Deletes an upload and its bytes (the message that carried it was deleted). */
  Future<Void> remove(String uploadId);

  /** No uploads on this server. */
  Attachments NONE =
      new Attachments() {
        @Override
        public Future<String> attach(String uploadId, String userId, String roomId) {
          return Future.failedFuture(ApiException.badRequest("this server takes no attachments"));
        }

        @Override
        public Future<Void> remove(String uploadId) {
          return Future.succeededFuture();
        }
      };
}
