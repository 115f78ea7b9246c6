package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
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
 * Companion replies: a user message in one of the user's conversations with a character ({@link
 * CompanionChats}), answered by the LLM through the {@link LlmGateway}, or the last reply
 * regenerated. The reply is stored when it is complete (a cancelled or failed reply is not stored;
 * the user message stays). A message whose text is the conversation's last message, a user message
 * left without a reply, is that message again: it is answered, not stored twice. A regenerated
 * reply becomes the chosen swipe of the last reply (or the reply of a last user message).
 */
public final class CompanionService {

  /** At most one token event per this many milliseconds. */
  public static final long TOKEN_INTERVAL_MS = 50;

  /** Messages read for a prompt; the PromptBuilder then keeps what fits its token budget. */
  public static final int PROMPT_HISTORY_LIMIT = 200;

  /**
   * What a client asks: a reply to {@code text}, or ({@code regenerate}) another reply to the end
   * of the conversation. {@code conversationId} null: the user's most recent conversation with the
   * character.
   */
  public record Ask(Object characterId, Object conversationId, Object text, boolean regenerate) {}

  private final Vertx vertx;
  private final CompanionChats chats;
  private final Personas personas;
  private final CompanionMemory memory;
  private final CompanionStore store;
  private final Blocking blocking;
  private final LlmGateway gateway;
  private final PromptBuilder prompts;
  private final LlmUsage usage;

  public CompanionService(
      Vertx vertx,
      CompanionChats chats,
      Personas personas,
      CompanionMemory memory,
      CompanionStore store,
      Blocking blocking,
      LlmGateway gateway,
      PromptBuilder prompts,
      LlmUsage usage) {
    this.vertx = vertx;
    this.chats = chats;
    this.personas = personas;
    this.memory = memory;
    this.store = store;
    this.blocking = blocking;
    this.gateway = gateway;
    this.prompts = prompts;
    this.usage = usage;
  }

  public LlmGateway gateway() {
    return gateway;
  }

  public CompanionChats chats() {
    return chats;
  }

  public Personas personas() {
    return personas;
  }

  public CompanionMemory memory() {
    return memory;
  }

  /**
   * What {@link #prepare} found: the conversation, the message answered, the reply replaced, and
   * the older messages to summarise once the reply is stored.
   */
  private static final class Plan {
    volatile CompanionChats.Opened opened;
    volatile CompanionMessage answered; // already stored: a retry, or a regeneration
    volatile CompanionMessage target; // the reply that gets another swipe, or null
    volatile CharacterCard card;
    volatile String userName;
    volatile List<CompanionMessage> older = List.of();
  }

  /**
   * Stores the user's message (unless it is the unanswered last one) and starts the reply. Fails
   * with BAD_REQUEST (text), NOT_FOUND (character or conversation), CONFLICT (nothing to
   * regenerate, or no swipe left), AI_BUSY (no slot, with retryAfter) or QUOTA_EXCEEDED (the user's
   * tokens are used up; with retryAfter and resetAt); the message is then not stored. The call's
   * tokens count against the user; an upstream failure names the character. Deltas go to {@code
   * sink}, coalesced, once the turn is {@link CompanionTurn#start() started}. {@code wanted} is
   * asked once a slot is free: a caller that went away while waiting for it (LLM_QUEUE_TIMEOUT_MS)
   * gives the slot straight back, and nothing is stored or sent upstream.
   */
  public Future<CompanionTurn> message(
      Identity me, Ask ask, TokenSink sink, BooleanSupplier wanted) {
    String id = characterId(ask.characterId());
    Long conversationId = CompanionChats.id(ask.conversationId(), "conversationId");
    String body = ask.regenerate() ? null : text(ask.text());
    TokenCoalescer tokens = new TokenCoalescer(vertx, TOKEN_INTERVAL_MS, sink::onToken);
    Plan plan = new Plan();
    // The gateway takes the LLM slot before the request is prepared: a burst's refusals come back
    // at once instead of queueing on the worker pool ahead of the admitted calls, and a message
    // that waits for a slot is acknowledged only once it has one.
    AtomicReference<LlmRequest> asked = new AtomicReference<>();
    return gateway.stream(
            me.userId(),
            wanted,
            () -> prepare(me, id, conversationId, body, plan).onSuccess(asked::set),
            tokens::add)
        .compose(
            call ->
                storeUserMessage(
                    me,
                    body,
                    plan,
                    usage.usage().track(me.userId(), id, asked.get(), call),
                    tokens));
  }

  /**
   * The LLM request of a turn. The history is read and the prompt built on a worker: a card's
   * lorebook scan and the fitting of its text to the budget are bounded, but not small enough for
   * an event loop.
   */
  private Future<LlmRequest> prepare(
      Identity me, String id, Long conversationId, String body, Plan plan) {
    return usage
        .quotas()
        .check(me.userId())
        .compose(allowed -> chats.character(me, id))
        .compose(
            character -> blocking.run(() -> request(me, character, conversationId, body, plan)))
        .onSuccess(request -> chats.announceStarted(plan.opened));
  }

  /** The LLM request: the conversation so far, then the prompt. Blocking. */
  private LlmRequest request(
      Identity me, StoredCharacter character, Long conversationId, String body, Plan plan)
      throws SQLException {
    plan.opened = chats.resolve(me, character, conversationId);
    CompanionConversation conversation = plan.opened.conversation();
    List<CompanionMessage> stored;
    synchronized (chats.lock(conversation)) {
      stored = CompanionChats.oldestFirst(store.page(conversation, null, PROMPT_HISTORY_LIMIT));
    }
    CompanionMessage last = stored.isEmpty() ? null : stored.get(stored.size() - 1);
    boolean lastIsUser = last != null && CompanionMessage.USER.equals(last.role());
    if (body == null) {
      if (last == null) {
        throw new ApiException(ErrorCode.CONFLICT, "There is no reply to regenerate yet.");
      }
      if (!lastIsUser) {
        if (stored.size() < 2) {
          throw new ApiException(
              ErrorCode.CONFLICT,
              "The greeting is not regenerated: swipe it for the card's other greetings.");
        }
        if (last.swipes().size() >= CompanionChats.MAX_SWIPES) {
          throw new ApiException(
              ErrorCode.CONFLICT,
              "A reply keeps " + CompanionChats.MAX_SWIPES + " alternatives at most.");
        }
        plan.target = last;
        stored = stored.subList(0, stored.size() - 1);
      }
      plan.answered = stored.get(stored.size() - 1);
    } else if (lastIsUser && last.content().equals(body)) {
      plan.answered = last; // a retry of a message left without a reply
    }
    Persona persona = personas.of(conversation);
    String user = persona != null ? persona.name() : userName(me);
    // The summary stands for the messages it covers; the newest message is always there.
    List<CompanionMessage> window =
        stored.stream().filter(m -> m.id() > conversation.summaryThrough()).toList();
    if (window.isEmpty() && !stored.isEmpty()) {
      window = stored.subList(stored.size() - 1, stored.size());
    }
    List<ChatMessage> history = new ArrayList<>();
    for (CompanionMessage m : window) {
      history.add(
          CompanionMessage.USER.equals(m.role())
              ? ChatMessage.user(m.content())
              : ChatMessage.assistant(m.content()));
    }
    if (plan.answered == null) {
      history.add(ChatMessage.user(body));
    }
    CharacterCard card = character.card();
    List<ChatMessage> prompt =
        prompts.build(
            card,
            new PromptBuilder.Context(
                user,
                persona == null ? null : persona.description(),
                conversation.summary(),
                conversation.pins()),
            history);
    int dropped =
        history.size()
            - (int) prompt.stream().filter(m -> !m.role().equals(ChatMessage.SYSTEM)).count();
    if (dropped > 0) {
      // what was left out, and half of what was kept: the next turns fit without a summary each
      int keptStored = window.size() - dropped;
      plan.older =
          List.copyOf(window.subList(0, Math.min(window.size() - 1, dropped + keptStored / 2)));
    }
    plan.card = card;
    plan.userName = user;
    return new LlmRequest(
        null,
        prompt,
        null,
        null,
        new LlmRequest.Persona(
            card.name(), PromptBuilder.names(card.description(), card.name(), user)));
  }

  /** Stores the user message of a started call; the call is cancelled when that fails. */
  private Future<CompanionTurn> storeUserMessage(
      Identity me, String body, Plan plan, LlmCall call, TokenCoalescer tokens) {
    CompanionConversation conversation = plan.opened.conversation();
    Future<CompanionMessage> userMessage =
        plan.answered != null
            ? Future.succeededFuture(plan.answered)
            : blocking.run(() -> store.append(conversation, CompanionMessage.USER, body, null));
    return userMessage.transform(
        stored -> {
          if (stored.failed()) {
            call.cancel();
            return Future.failedFuture(stored.cause());
          }
          Future<CompanionMessage> reply =
              storeReply(plan, call)
                  .onSuccess(
                      m ->
                          memory.summarise(
                              plan.opened.conversation(), plan.card, plan.userName, plan.older));
          return Future.succeededFuture(new CompanionTurn(stored.result(), call, tokens, reply));
        });
  }

  /** The assistant reply, stored once the call has completed it: a new message or a swipe. */
  private Future<CompanionMessage> storeReply(Plan plan, LlmCall call) {
    CompanionConversation conversation = plan.opened.conversation();
    return call.reply()
        .recover(failed -> Future.failedFuture(LlmUnavailable.speaking(failed, plan.card.name())))
        .compose(
            reply ->
                blocking.run(
                    () -> {
                      if (plan.target == null) {
                        return store.append(
                            conversation, CompanionMessage.ASSISTANT, reply.text(), null);
                      }
                      synchronized (chats.lock(conversation)) {
                        CompanionMessage now = store.get(conversation, plan.target.id());
                        if (now == null) {
                          throw ApiException.notFound("the conversation was deleted");
                        }
                        CompanionMessage swiped = now.withSwipe(reply.text());
                        store.update(swiped);
                        return swiped;
                      }
                    }));
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

  static String userName(Identity me) {
    return me.name() == null || me.name().isBlank() ? "User" : me.name();
  }
}
