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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The companion events of a connected socket (see the contract and README): {@code companion:open}
 * acks {@code {ok, conversation, messages}} (oldest first); {@code companion:message} and {@code
 * companion:regenerate} ack {@code {ok, conversationId, messageId}} once the user message is stored
 * and the LLM call admitted, then send {@code companion:token}* and {@code companion:done} (the
 * stored reply) or {@code companion:error} (the error shape); the conversations' events ({@code
 * companion:conversations}, {@code :new}, {@code :rename}, {@code :persona}, {@code :memory},
 * {@code :delete}) and the messages' ones ({@code companion:swipe}, {@code :edit}) ack what they
 * changed. A socket that disconnects cancels its replies in progress.
 */
public final class CompanionEvents {

  private static final String TURNS = "companionTurns";

  private final CompanionService service;
  private final CompanionChats chats;
  private final CompanionReplies replies;
  private final RateLimits limits;

  public CompanionEvents(CompanionService service, RateLimits limits) {
    this.service = service;
    this.chats = service.chats();
    this.replies = new CompanionReplies(service);
    this.limits = limits;
  }

  /** Wires a newly connected, authenticated socket (it has its {@link SocketSession}). */
  public void attach(Socket socket) {
    Set<CompanionTurn> turns = ConcurrentHashMap.newKeySet();
    socket.data().put(TURNS, turns);
    on(socket, "companion:open", (me, p) -> open(me, p));
    on(
        socket,
        "companion:conversations",
        (me, p) ->
            chats
                .list(me, p.getValue("characterId"))
                .map(
                    list -> {
                      JsonArray out = new JsonArray();
                      list.forEach(c -> out.add(c.toJson()));
                      return new JsonObject().put("conversations", out);
                    }));
    on(
        socket,
        "companion:new",
        (me, p) -> chats.create(me, p.getValue("characterId")).map(CompanionChats.Opened::toJson));
    on(
        socket,
        "companion:rename",
        (me, p) ->
            chats
                .rename(me, p.getValue("conversationId"), p.getValue("title"))
                .map(c -> new JsonObject().put("conversation", c.toJson())));
    on(
        socket,
        "companion:persona",
        (me, p) ->
            chats
                .persona(me, p.getValue("conversationId"), p.getValue("personaId"))
                .map(c -> new JsonObject().put("conversation", c.toJson())));
    on(
        socket,
        "companion:memory",
        (me, p) ->
            service
                .memory()
                .update(me, p.getValue("conversationId"), p.getValue("summary"), p.getValue("pins"))
                .map(m -> new JsonObject().put("memory", m)));
    on(socket, "companion:delete", (me, p) -> chats.delete(me, p.getValue("conversationId")));
    on(
        socket,
        "companion:swipe",
        (me, p) ->
            chats
                .swipe(
                    me, p.getValue("conversationId"), p.getValue("messageId"), p.getValue("swipe"))
                .map(m -> new JsonObject().put("message", m.toJson())));
    on(
        socket,
        "companion:edit",
        (me, p) ->
            chats
                .edit(me, p.getValue("conversationId"), p.getValue("messageId"), p.getValue("text"))
                .map(m -> new JsonObject().put("message", m.toJson())));
    socket.on("companion:message", event -> message(socket, event, turns, false));
    socket.on("companion:regenerate", event -> message(socket, event, turns, true));
    socket.onDisconnect(reason -> cancelAll(turns));
  }

  /** An event answered by one ack, within the user's event rate. */
  private void on(
      Socket socket,
      String name,
      java.util.function.BiFunction<Identity, JsonObject, Future<JsonObject>> handler) {
    String userId = SocketSession.of(socket).userId();
    Function<JsonObject, Future<JsonObject>> run =
        payload -> handler.apply(SocketSession.of(socket).identity(), payload);
    socket.on(
        name,
        event ->
            EventAcks.handle(event, limits.event(socket, userId, limits.events()), run::apply));
  }

  private static void cancelAll(Set<CompanionTurn> turns) {
    for (CompanionTurn turn : turns) {
      turn.cancel();
    }
    turns.clear();
  }

  private Future<JsonObject> open(Identity me, JsonObject payload) {
    int limit = ClientInput.historyLimit(payload.getValue("limit"));
    return chats
        .open(
            me,
            payload.getValue("characterId"),
            payload.getValue("conversationId"),
            payload.getValue("before"),
            limit)
        .map(CompanionChats.Opened::toJson);
  }

  private void message(Socket socket, Event event, Set<CompanionTurn> turns, boolean regenerate) {
    String userId = SocketSession.of(socket).userId();
    Promise<Void> acked = Promise.promise();
    EventAcks.handle(
        event,
        limits.event(socket, userId, limits.events(), limits.llm()),
        payload -> reply(socket, payload, turns, acked.future(), regenerate),
        () -> acked.tryComplete());
  }

  private Future<JsonObject> reply(
      Socket socket,
      JsonObject payload,
      Set<CompanionTurn> turns,
      Future<Void> acked,
      boolean regenerate) {
    Identity me = SocketSession.of(socket).identity();
    Object characterId = payload.getValue("characterId");
    CompanionStream stream = new SocketCompanionStream(socket, characterId, turns, acked);
    CompanionService.Ask ask =
        new CompanionService.Ask(
            characterId, payload.getValue("conversationId"), payload.getValue("text"), regenerate);
    return replies
        .run(stream, me, ask)
        .map(
            turn ->
                new JsonObject()
                    .put("conversationId", turn.userMessage().conversationId())
                    .put("messageId", turn.userMessage().id()));
  }
}
