package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.auth.SocketSession;
import chat.nexus.chat.ClientInput;
import chat.nexus.chat.EventAcks;
import chat.nexus.errors.ApiException;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.socketio.Event;
import chat.nexus.socketio.Socket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The companion events of a connected socket (see the contract): {@code companion:open} acks {@code
 * {ok, messages}} (oldest first); {@code companion:message} acks {@code {ok, messageId}} once the
 * user message is stored and the LLM call admitted, then sends {@code companion:token}* and {@code
 * companion:done} (the stored reply) or {@code companion:error} (the error shape). A socket that
 * disconnects cancels its replies in progress.
 */
public final class CompanionEvents {

  private static final System.Logger LOG = System.getLogger(CompanionEvents.class.getName());
  private static final String TURNS = "companionTurns";

  private final CompanionService service;
  private final RateLimits limits;

  public CompanionEvents(CompanionService service, RateLimits limits) {
    this.service = service;
    this.limits = limits;
  }

  /** Wires a newly connected, authenticated socket (it has its {@link SocketSession}). */
  public void attach(Socket socket) {
    Set<CompanionTurn> turns = ConcurrentHashMap.newKeySet();
    socket.data().put(TURNS, turns);
    String userId = SocketSession.of(socket).userId();
    socket.on(
        "companion:open",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events()),
                payload -> open(socket, payload)));
    socket.on("companion:message", event -> message(socket, event, turns));
    socket.onDisconnect(
        reason -> {
          for (CompanionTurn turn : turns) {
            turn.cancel();
          }
          turns.clear();
        });
  }

  private Future<JsonObject> open(Socket socket, JsonObject payload) {
    int limit = ClientInput.historyLimit(payload.getValue("limit"));
    return service
        .open(SocketSession.of(socket).identity(), payload.getValue("characterId"), limit)
        .map(
            list -> {
              JsonArray messages = new JsonArray();
              list.forEach(m -> messages.add(m.toJson()));
              return new JsonObject().put("messages", messages);
            });
  }

  private void message(Socket socket, Event event, Set<CompanionTurn> turns) {
    CompanionTurn[] started = {null};
    String userId = SocketSession.of(socket).userId();
    EventAcks.handle(
        event,
        limits.event(socket, userId, limits.events(), limits.llm()),
        payload -> {
          Identity me = SocketSession.of(socket).identity();
          Object characterId = payload.getValue("characterId");
          Long[] messageId = {null};
          return service
              .message(
                  me,
                  characterId,
                  payload.getValue("text"),
                  delta ->
                      socket.emit(
                          "companion:token",
                          new JsonObject()
                              .put("characterId", characterId)
                              .put("messageId", messageId[0])
                              .put("delta", delta)),
                  socket::connected)
              .map(
                  turn -> {
                    messageId[0] = turn.userMessage().id();
                    started[0] = turn;
                    turns.add(turn);
                    if (!socket.connected()) {
                      turn.cancel(); // gone while the message was being stored
                    }
                    turn.reply()
                        .onComplete(
                            done -> {
                              turns.remove(turn);
                              JsonObject out =
                                  new JsonObject()
                                      .put("characterId", characterId)
                                      .put("messageId", messageId[0]);
                              if (done.succeeded()) {
                                socket.emit(
                                    "companion:done", out.put("message", done.result().toJson()));
                              } else if (!(done.cause() instanceof CancellationException)) {
                                if (!(done.cause() instanceof ApiException)) {
                                  LOG.log(Level.ERROR, "companion reply failed", done.cause());
                                }
                                socket.emit(
                                    "companion:error",
                                    out.put(
                                        "error",
                                        ApiException.toJson(done.cause()).getJsonObject("error")));
                              }
                            });
                    return new JsonObject().put("messageId", messageId[0]);
                  });
        },
        () -> {
          if (started[0] != null) {
            started[0].start(); // tokens only after the ack
          }
        });
  }
}
