package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.auth.SocketSession;
import chat.nexus.chat.ClientInput;
import chat.nexus.chat.EventAcks;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.socketio.Event;
import chat.nexus.socketio.Socket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The companion events of a connected socket (see the contract): {@code companion:open} acks {@code
 * {ok, messages}} (oldest first); {@code companion:message} acks {@code {ok, messageId}} once the
 * user message is stored and the LLM call admitted, then sends {@code companion:token}* and {@code
 * companion:done} (the stored reply) or {@code companion:error} (the error shape). A socket that
 * disconnects cancels its replies in progress.
 */
public final class CompanionEvents {

  private static final String TURNS = "companionTurns";

  private final CompanionService service;
  private final CompanionReplies replies;
  private final RateLimits limits;

  public CompanionEvents(CompanionService service, RateLimits limits) {
    this.service = service;
    this.replies = new CompanionReplies(service);
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
    socket.onDisconnect(reason -> cancelAll(turns));
  }

  private static void cancelAll(Set<CompanionTurn> turns) {
    for (CompanionTurn turn : turns) {
      turn.cancel();
    }
    turns.clear();
  }

  private Future<JsonObject> open(Socket socket, JsonObject payload) {
    int limit = ClientInput.historyLimit(payload.getValue("limit"));
    return service
        .open(SocketSession.of(socket).identity(), payload.getValue("characterId"), limit)
        .map(list -> new JsonObject().put("messages", CompanionMessage.toJsonArray(list)));
  }

  private void message(Socket socket, Event event, Set<CompanionTurn> turns) {
    String userId = SocketSession.of(socket).userId();
    Promise<Void> acked = Promise.promise();
    EventAcks.handle(
        event,
        limits.event(socket, userId, limits.events(), limits.llm()),
        payload -> reply(socket, payload, turns, acked.future()),
        () -> acked.tryComplete());
  }

  private Future<JsonObject> reply(
      Socket socket, JsonObject payload, Set<CompanionTurn> turns, Future<Void> acked) {
    Identity me = SocketSession.of(socket).identity();
    Object characterId = payload.getValue("characterId");
    CompanionStream stream = new SocketCompanionStream(socket, characterId, turns, acked);
    return replies
        .run(stream, me, characterId, payload.getValue("text"))
        .map(turn -> new JsonObject().put("messageId", turn.userMessage().id()));
  }
}
