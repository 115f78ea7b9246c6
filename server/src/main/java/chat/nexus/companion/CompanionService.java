package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import chat.nexus.llm.ChatMessage;
import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmRequest;
import chat.nexus.llm.LlmUnavailable;
import chat.nexus.llm.TokenSink;
import chat.nexus.store.Blocking;
import chat.nexus.usage.LlmUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Companion chat: one conversation per (user, character), stored in {@code
 * companion_chat_messages}. A conversation starts with the card's {@code first_mes} (names filled
 * in), stored as an assistant message without an LLM call, the first time it is opened, read or
 * written to. Every user message gets an LLM reply through the {@link LlmGateway}; the reply is
 * stored when it is complete (a cancelled or failed reply is not stored; the user message stays).
 * Histories are returned oldest first.
 */
public final class CompanionService {

  /** At most one token event per this many milliseconds. */
  public static final long TOKEN_INTERVAL_MS = 50;

  /** Messages read for a prompt; the PromptBuilder then keeps what fits its token budget. */
  public static final int PROMPT_HISTORY_LIMIT = 200;

  private static final int LOCK_STRIPES = 64;

  private final Vertx vertx;
  private final Characters characters;
  private final CompanionStore store;
  private final Blocking blocking;
  private final LlmGateway gateway;
  private final PromptBuilder prompts;
  private final LlmUsage usage;
  private final Object[] locks = new Object[LOCK_STRIPES];

  public CompanionService(
      Vertx vertx,
      Characters characters,
      CompanionStore store,
      Blocking blocking,
      LlmGateway gateway,
      PromptBuilder prompts,
      LlmUsage usage) {
    this.vertx = vertx;
    this.characters = characters;
    this.store = store;
    this.blocking = blocking;
    this.gateway = gateway;
    this.prompts = prompts;
    this.usage = usage;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  public LlmGateway gateway() {
    return gateway;
  }

  /**
   * The last {@code limit} messages, oldest first; starts the conversation with first_mes when it
   * is empty.
   */
  public Future<List<CompanionMessage>> open(Identity me, Object characterId, int limit) {
    String id = characterId(characterId);
    return characters
        .usable(id, me.userId())
        .compose(
            character -> blocking.run(() -> oldestFirst(recentOrGreeting(me, character, limit))));
  }

  /**
   * Stores the user's message and starts the reply. Fails with BAD_REQUEST (text), NOT_FOUND
   * (character), AI_BUSY (no slot, with retryAfter) or QUOTA_EXCEEDED (the user's tokens are used
   * up; with retryAfter and resetAt); the message is then not stored. The call's tokens count
   * against the user; an upstream failure names the character. Deltas go to {@code sink},
   * coalesced, once the turn is {@link CompanionTurn#start() started}. {@code wanted} is asked once
   * a slot is free: a caller that went away while waiting for it (LLM_QUEUE_TIMEOUT_MS) gives the
   * slot straight back, and nothing is stored or sent upstream.
   */
  public Future<CompanionTurn> message(
      Identity me, Object characterId, Object text, TokenSink sink, BooleanSupplier wanted) {
    String id = characterId(characterId);
    String body = text(text);
    TokenCoalescer tokens = new TokenCoalescer(vertx, TOKEN_INTERVAL_MS, sink::onToken);
    // The gateway takes the LLM slot before the request is prepared: a burst's refusals come back
    // at once instead of queueing on the worker pool ahead of the admitted calls, and a message
    // that waits for a slot is acknowledged only once it has one.
    AtomicReference<LlmRequest> asked = new AtomicReference<>();
    return gateway.stream(
            me.userId(),
            wanted,
            () -> prepare(me, id, body).map(request -> remember(asked, request)),
            tokens::add)
        .compose(
            call ->
                storeUserMessage(
                    me,
                    id,
                    body,
                    usage.usage().track(me.userId(), id, asked.get(), call),
                    tokens,
                    asked.get().persona().name()));
  }

  private static LlmRequest remember(AtomicReference<LlmRequest> asked, LlmRequest request) {
    asked.set(request);
    return request;
  }

  /**
   * The LLM request of a new message. The history is read and the prompt built on a worker: a
   * card's lorebook scan and the fitting of its text to the budget are bounded, but not small
   * enough for an event loop.
   */
  private Future<LlmRequest> prepare(Identity me, String id, String body) {
    return usage
        .quotas()
        .check(me.userId())
        .compose(allowed -> characters.usable(id, me.userId()))
        .compose(character -> blocking.run(() -> request(me, character, body)));
  }

  /** Stores the user message of a started call; the call is cancelled when that fails. */
  private Future<CompanionTurn> storeUserMessage(
      Identity me, String id, String body, LlmCall call, TokenCoalescer tokens, String speaker) {
    return blocking
        .run(() -> store.append(me.userId(), id, CompanionMessage.USER, body))
        .transform(
            stored -> {
              if (stored.failed()) {
                call.cancel();
                return Future.failedFuture(stored.cause());
              }
              return Future.succeededFuture(
                  new CompanionTurn(
                      stored.result(), call, tokens, storeReply(me, id, call, speaker)));
            });
  }

  /** The assistant reply, stored once the call has completed it; a failure names the speaker. */
  private Future<CompanionMessage> storeReply(
      Identity me, String id, LlmCall call, String speaker) {
    return call.reply()
        .recover(failed -> Future.failedFuture(LlmUnavailable.speaking(failed, speaker)))
        .compose(
            reply ->
                blocking.run(
                    () -> store.append(me.userId(), id, CompanionMessage.ASSISTANT, reply.text())));
  }

  /** The LLM request of a new user message: the conversation so far, then the prompt. Blocking. */
  private LlmRequest request(Identity me, StoredCharacter character, String body)
      throws SQLException {
    List<ChatMessage> history = new ArrayList<>();
    for (CompanionMessage m : oldestFirst(recentOrGreeting(me, character, PROMPT_HISTORY_LIMIT))) {
      history.add(
          CompanionMessage.USER.equals(m.role())
              ? ChatMessage.user(m.content())
              : ChatMessage.assistant(m.content()));
    }
    history.add(ChatMessage.user(body));
    CharacterCard card = character.card();
    return new LlmRequest(
        null,
        prompts.build(card, me.name(), history),
        null,
        null,
        new LlmRequest.Persona(
            card.name(), PromptBuilder.names(card.description(), card.name(), userName(me))));
  }

  /** The text of a user message: the rules of every message text ({@link ClientInput}). */
  static String text(Object text) {
    return ClientInput.text(text, "text");
  }

  static String characterId(Object value) {
    if (!(value instanceof String id) || id.isBlank()) {
      throw ApiException.badRequest("characterId is required (a string)");
    }
    return id;
  }

  /** Newest first; stores the greeting when the conversation is empty (once, on this node). */
  private List<CompanionMessage> recentOrGreeting(Identity me, StoredCharacter character, int limit)
      throws SQLException {
    synchronized (
        locks[Math.floorMod((me.userId() + '\n' + character.id()).hashCode(), LOCK_STRIPES)]) {
      List<CompanionMessage> recent = store.recent(me.userId(), character.id(), limit);
      String first = character.card().firstMessage();
      if (!recent.isEmpty() || first == null || first.isBlank()) {
        return recent;
      }
      return List.of(
          store.append(
              me.userId(),
              character.id(),
              CompanionMessage.ASSISTANT,
              PromptBuilder.names(first, character.card().name(), userName(me))));
    }
  }

  private static String userName(Identity me) {
    return me.name() == null || me.name().isBlank() ? "User" : me.name();
  }

  private static List<CompanionMessage> oldestFirst(List<CompanionMessage> newestFirst) {
    List<CompanionMessage> out = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(out);
    return out;
  }
}
