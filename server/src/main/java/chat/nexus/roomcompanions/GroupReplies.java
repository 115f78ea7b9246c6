package chat.nexus.roomcompanions;

import chat.nexus.chat.ClientInput;
import chat.nexus.companion.Characters;
import chat.nexus.companion.CompanionService;
import chat.nexus.companion.StoredCharacter;
import chat.nexus.companion.TokenCoalescer;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmReply;
import chat.nexus.llm.LlmRequest;
import chat.nexus.rooms.Room;
import chat.nexus.rooms.RoomIds;
import chat.nexus.rooms.RoomStore;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Blocking;
import chat.nexus.store.Message;
import chat.nexus.store.MessageStore;
import chat.nexus.store.MessageWriter;
import chat.nexus.store.NewMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One companion reply in a room, from a mention's turn to the stored message: held while the asker
 * types again, admitted by the payer's budget, a slot of the LLM gateway (its caps apply), the
 * prompt built on a worker, the tokens coalesced and broadcast once per chunk to the whole room
 * ({@code room:companion:token}), then the reply stored as the character's message (replying to the
 * mention; its clientId makes a second store of the same reply impossible) and sent to the room as
 * {@code message:new}. A refusal goes to the asker's sockets ({@code room:companion:refused}); a
 * reply that breaks after it began goes to the room ({@code room:companion:error}).
 */
final class GroupReplies {

  private static final Logger LOG = LoggerFactory.getLogger(GroupReplies.class);

  static final String MENTIONS_METRIC = "nexus.room.companion.mentions";

  /** The clientId of a mention's reply: the store keeps one message per (author, clientId). */
  static final String CLIENT_ID_PREFIX = "mention-";

  private final Vertx vertx;
  private final SocketIoServer io;
  private final Characters characters;
  private final LlmGateway gateway;
  private final MessageStore messages;
  private final MessageWriter writer;
  private final RoomStore rooms;
  private final RoomCompanionStore store;
  private final Blocking blocking;
  private final GroupPrompt prompts;
  private final TypingWatch typing;
  private final MeterRegistry registry;
  private volatile CompanionBudget budget = CompanionBudget.NONE;

  GroupReplies(
      Vertx vertx,
      SocketIoServer io,
      Characters characters,
      LlmGateway gateway,
      MessageStore messages,
      MessageWriter writer,
      RoomStore rooms,
      RoomCompanionStore store,
      Blocking blocking,
      GroupPrompt prompts,
      TypingWatch typing,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.io = io;
    this.characters = characters;
    this.gateway = gateway;
    this.messages = messages;
    this.writer = writer;
    this.rooms = rooms;
    this.store = store;
    this.blocking = blocking;
    this.prompts = prompts;
    this.typing = typing;
    this.registry = registry;
  }

  /** nexus_room_companion_mentions_total{outcome}: answered, broken, or the refusal's code. */
  private void count(String outcome) {
    registry.counter(MENTIONS_METRIC, "outcome", outcome).increment();
  }

  void budget(CompanionBudget budget) {
    this.budget = budget;
  }

  /** Answers the mention; completes (never fails) when its turn is over. */
  Future<Void> answer(Lanes.Mention mention, RoomCompanion companion, List<RoomCompanion> all) {
    String payer = companion.sponsored() ? companion.addedBy() : mention.userId();
    TokenCoalescer tokens =
        new TokenCoalescer(
            vertx,
            CompanionService.TOKEN_INTERVAL_MS,
            delta ->
                io.to(mention.roomId())
                    .emit("room:companion:token", ids(mention).put("delta", delta)));
    AtomicReference<LlmRequest> asked = new AtomicReference<>();
    return typing
        .quiet(mention.roomId(), mention.userId())
        .compose(v -> budget.admit(payer))
        .compose(
            v ->
                gateway.stream(
                    payer,
                    () -> true,
                    () -> prepare(mention, companion, all).onSuccess(asked::set),
                    tokens::add))
        .transform(
            started -> {
              if (started.failed()) {
                tokens.close();
                refuse(mention, started.cause());
                return Future.succeededFuture();
              }
              tokens.start();
              LlmCall call =
                  budget.track(payer, mention.characterId(), asked.get(), started.result());
              return call.reply()
                  .transform(
                      reply -> {
                        if (reply.failed()) {
                          tokens.close();
                          broke(mention, reply.cause());
                          return Future.<Void>succeededFuture();
                        }
                        tokens.flush();
                        tokens.close();
                        return store(mention, reply.result());
                      });
            });
  }

  private Future<LlmRequest> prepare(
      Lanes.Mention mention, RoomCompanion companion, List<RoomCompanion> all) {
    // The card as it is now: made private or deleted since it was added, it answers no more.
    return characters
        .get(mention.characterId())
        .compose(
            character -> {
              if (!character.visibleTo(companion.addedBy())) {
                throw ApiException.notFound(companion.name() + " is no longer available");
              }
              return blocking.run(() -> request(mention, character, all));
            });
  }

  /** Blocking: the room's recent messages, the names in them and the room's members. */
  private LlmRequest request(
      Lanes.Mention mention, StoredCharacter character, List<RoomCompanion> all)
      throws SQLException {
    List<Message> recent =
        messages.history(mention.roomId(), mention.messageId() + 1, GroupPrompt.HISTORY_MESSAGES);
    Set<String> speakers = new HashSet<>();
    recent.forEach(m -> speakers.add(m.userId()));
    Map<String, String> names = new HashMap<>();
    for (RoomCompanion c : all) {
      names.put(c.authorId(), c.name());
      speakers.remove(c.authorId());
    }
    names.putAll(store.names(speakers));
    String roomName = rooms.find(mention.roomId()).map(Room::name).orElse(mention.roomId());
    List<String> members = store.memberNames(mention.roomId(), GroupPrompt.MAX_MEMBERS_NAMED);
    var card = character.card();
    return new LlmRequest(
        null,
        prompts.build(card, character.id(), roomName, mention.userName(), recent, names, members),
        null,
        null,
        new LlmRequest.Persona(card.name(), card.description()));
  }

  private Future<Void> store(Lanes.Mention mention, LlmReply reply) {
    String text = cut(reply.text().strip());
    if (text.isEmpty()) {
      broke(mention, new ApiException(ErrorCode.AI_UPSTREAM, "the reply was empty"));
      return Future.succeededFuture();
    }
    Message.Quote quote =
        Message.Quote.of(mention.messageId(), mention.userId(), mention.text(), false);
    return writer
        .write(
            new NewMessage(
                mention.roomId(),
                RoomCompanion.authorId(mention.characterId()),
                text,
                CLIENT_ID_PREFIX + mention.messageId(),
                quote,
                null,
                List.of()))
        .transform(
            stored -> {
              if (stored.failed()) {
                LOG.warn(
                    "companion {} reply to message {} not stored: {}",
                    mention.characterId(),
                    mention.messageId(),
                    stored.cause().toString());
                broke(mention, stored.cause());
              } else if (!stored.result().duplicate()) {
                count("answered");
                io.to(mention.roomId()).emit("message:new", stored.result().message().toJson());
              }
              return Future.succeededFuture();
            });
  }

  /** The reply never began: the asker hears why, in the contract's error shape. */
  void refuse(Lanes.Mention mention, Throwable cause) {
    if (!(cause instanceof ApiException)) {
      LOG.warn("companion {} could not answer: {}", mention.characterId(), cause.toString());
    }
    JsonObject error = error(cause);
    count(error.getString("code"));
    io.to(RoomIds.inbox(mention.userId()))
        .emit("room:companion:refused", ids(mention).put("error", error));
  }

  /** The reply broke after its tokens began: the room drops what it showed. */
  private void broke(Lanes.Mention mention, Throwable cause) {
    if (!(cause instanceof ApiException)) {
      LOG.warn("companion {} reply broke: {}", mention.characterId(), cause.toString());
    }
    count("broken");
    io.to(mention.roomId()).emit("room:companion:error", ids(mention).put("error", error(cause)));
  }

  static JsonObject error(Throwable cause) {
    return ApiException.toJson(cause).getJsonObject("error");
  }

  static JsonObject ids(Lanes.Mention mention) {
    return new JsonObject()
        .put("roomId", mention.roomId())
        .put("characterId", mention.characterId())
        .put("messageId", mention.messageId());
  }

  /** A reply longer than a message may be is cut at the limit (code points). */
  static String cut(String text) {
    if (text.codePointCount(0, text.length()) <= ClientInput.MAX_TEXT_LENGTH) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, ClientInput.MAX_TEXT_LENGTH));
  }
}
