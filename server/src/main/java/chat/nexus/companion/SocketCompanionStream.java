package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.socketio.Socket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.Set;

/**
 * The answer to one {@code companion:message} or {@code companion:regenerate} event: {@code
 * companion:token} ({@code {characterId, conversationId, messageId, delta}}) once the event is
 * acknowledged, then {@code companion:done} ({@code {characterId, conversationId, messageId,
 * message}}) or {@code companion:error} ({@code {characterId, conversationId, messageId, error}}).
 * The characterId is echoed as the client sent it. The turn is kept in the socket's turns while it
 * runs, so that a disconnect cancels it.
 */
final class SocketCompanionStream implements CompanionStream {

  private static final System.Logger LOG = System.getLogger(SocketCompanionStream.class.getName());

  private final Socket socket;
  private final Object characterId;
  private final Set<CompanionTurn> turns;
  private final Future<Void> acked;
  private volatile long conversationId;

  /**
   * @param turns the socket's turns in progress, cancelled when it disconnects
   * @param acked completes once the event's acknowledgement is sent
   */
  SocketCompanionStream(
      Socket socket, Object characterId, Set<CompanionTurn> turns, Future<Void> acked) {
    this.socket = socket;
    this.characterId = characterId;
    this.turns = turns;
    this.acked = acked;
  }

  @Override
  public boolean open() {
    return socket.connected();
  }

  @Override
  public Future<Void> started(CompanionTurn turn) {
    conversationId = turn.userMessage().conversationId();
    turns.add(turn);
    turn.reply().onComplete(done -> turns.remove(turn));
    return acked; // tokens only after the ack
  }

  @Override
  public void token(long messageId, String delta) {
    socket.emit(
        "companion:token",
        new JsonObject()
            .put("characterId", characterId)
            .put("conversationId", conversationId)
            .put("messageId", messageId)
            .put("delta", delta));
  }

  @Override
  public void done(CompanionTurn turn, CompanionMessage reply) {
    socket.emit("companion:done", ids(turn).put("message", reply.toJson()));
  }

  @Override
  public void failed(CompanionTurn turn, Throwable cause) {
    if (!(cause instanceof ApiException)) {
      LOG.log(Level.ERROR, "companion reply failed", cause);
    }
    socket.emit(
        "companion:error",
        ids(turn).put("error", ApiException.toJson(cause).getJsonObject("error")));
  }

  private JsonObject ids(CompanionTurn turn) {
    return new JsonObject()
        .put("characterId", characterId)
        .put("conversationId", conversationId)
        .put("messageId", turn.userMessage().id());
  }
}
