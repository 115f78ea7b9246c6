package chat.nexus.chat;

import chat.nexus.conversations.Conversations;
import chat.nexus.errors.ApiException;
import chat.nexus.observability.Metrics;
import chat.nexus.rooms.RoomAccess;
import chat.nexus.socketio.Socket;
import chat.nexus.store.Message;
import chat.nexus.store.MessageWriter;
import chat.nexus.store.NewMessage;
import chat.nexus.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code message:send}: the sender's right to send (mute, blocks), mentions, the quote of a reply
 * and the attachment, the store, then {@code message:new} to the room and the ack. A plain message
 * (no reply, no upload, no '@') costs no database round trip besides its own insert.
 */
final class MessageSends {

  private final MessageWriter writer;
  private final RoomAccess access;
  private final Conversations conversations;
  private final MessageActions actions;
  private final Metrics metrics;
  private volatile Attachments attachments = Attachments.NONE;
  private volatile SentMessages sent = SentMessages.NONE;

  MessageSends(
      MessageWriter writer,
      RoomAccess access,
      Conversations conversations,
      MessageActions actions,
      Metrics metrics) {
    this.writer = writer;
    this.access = access;
    this.conversations = conversations;
    this.actions = actions;
    this.metrics = metrics;
  }

  /** Stores a message from a member of the room and sends it to the room; its ack's payload. */
  Future<JsonObject> send(Socket socket, String userId, String roomId, JsonObject payload) {
    Object attachmentId = payload.getValue("attachmentId");
    // With an attachment the text may be empty (a picture on its own).
    String body =
        attachmentId != null && isEmptyText(payload.getValue("text"))
            ? ""
            : ClientInput.text(payload.getValue("text"), "text");
    String clientId = ClientInput.clientId(payload.getValue("clientId"));
    long received = System.nanoTime();
    Span span = Tracing.currentSpan(); // the event's; null when tracing is off
    if (span != null) {
      span.setAttribute(Tracing.ROOM_ID, roomId);
    }
    Object replyTo = payload.getValue("replyTo");
    String uploadId = attachmentId == null ? null : uploadId(attachmentId);
    return access
        .maySend(roomId, userId)
        .compose(v -> conversations.beforeSend(roomId, userId, body))
        .compose(
            mentioned ->
                newMessage(roomId, userId, body, clientId, replyTo, uploadId)
                    .compose(m -> writer.write(m.withMentions(mentioned)))
                    .map(stored -> delivered(socket, stored, mentioned, span, received)));
  }

  /** The message to store, with the quote it replies to and its upload when it has them. */
  private Future<NewMessage> newMessage(
      String roomId, String userId, String body, String clientId, Object replyTo, String uploadId) {
    if (replyTo == null && uploadId == null) {
      return Future.succeededFuture(new NewMessage(roomId, userId, body, clientId));
    }
    Future<Message.Quote> quote =
        replyTo == null ? Future.succeededFuture() : actions.quote(roomId, replyTo);
    return quote.compose(
        q ->
            (uploadId == null
                    ? Future.<String>succeededFuture()
                    : attachments.attach(uploadId, userId, roomId))
                .map(
                    attachment ->
                        new NewMessage(roomId, userId, body, clientId, q, attachment, List.of())));
  }

  private static String uploadId(Object attachmentId) {
    if (!(attachmentId instanceof String uploadId) || !ClientInput.isUploadId(uploadId)) {
      throw ApiException.badRequest("attachmentId must be the id of an upload");
    }
    return uploadId;
  }

  private JsonObject delivered(
      Socket socket,
      MessageWriter.Stored stored,
      List<String> mentioned,
      Span span,
      long received) {
    String roomId = stored.message().roomId();
    JsonObject message = stored.message().toJson();
    if (!mentioned.isEmpty()) {
      message.put("mentions", Conversations.mentionsJson(mentioned));
    }
    if (stored.announce()) {
      Span broadcast = Tracing.child(span, "chat message broadcast", SpanKind.PRODUCER);
      ChatEvents.recipients(socket, roomId)
          .emit("message:new", message); // a retry's repeat too: receivers dedupe by id
      if (broadcast != null) {
        broadcast.setAttribute(Tracing.ROOM_ID, roomId);
        broadcast.setAttribute(Tracing.MESSAGE_ID, stored.message().id());
        broadcast.end();
      }
    }
    boolean fresh = stored.announce() && !stored.duplicate();
    conversations.afterSend(socket, stored.message(), message, mentioned, fresh);
    if (fresh) {
      sent.sent(socket, stored.message());
    }
    if (!stored.duplicate()) {
      metrics.messageStored();
    }
    metrics.ackLatency(System.nanoTime() - received);
    return new JsonObject().put("message", message);
  }

  private static boolean isEmptyText(Object text) {
    return text == null || (text instanceof String s && s.isBlank());
  }

  void attachments(Attachments attachments) {
    this.attachments = attachments;
  }

  void sent(SentMessages sent) {
    this.sent = sent;
  }
}
