package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.chat.ClientInput;
import chat.nexus.errors.ApiException;
import chat.nexus.llm.ChatMessage;
import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmGateway;
import chat.nexus.llm.LlmRequest;
import chat.nexus.store.Blocking;
import chat.nexus.usage.LlmUsage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a conversation remembers beyond the history that fits the prompt: a rolling summary that the
 * LLM writes (through the gateway, as a call of the user) when the prompt had to leave older
 * messages out, and the facts the user pins. Both can be edited by the user; both go into every
 * prompt ({@link PromptBuilder.Context}). At most one summary is written per conversation at a time
 * on a node; one that fails (AI_BUSY, the upstream down) is tried again after a later reply.
 */
public final class CompanionMemory {

  public static final int MAX_SUMMARY_CHARS = 4_000;
  public static final int MAX_PINS = 20;
  public static final int MAX_PIN_CHARS = 300;

  /** The summary's reply is short: the prompt carries it every turn. */
  static final int SUMMARY_MAX_TOKENS = 400;

  static final String INSTRUCTIONS =
      "You keep the memory of a role-play chat between {{char}} and {{user}}. Write a concise"
          + " summary, at most 200 words, of everything below: the summary so far and the new"
          + " messages. Keep names, facts, promises, secrets, codewords and open threads. Write"
          + " only the summary, in the third person.";

  private final CompanionConversationStore conversations;
  private final CompanionChats chats;
  private final Blocking blocking;
  private final LlmGateway gateway;
  private final int transcriptChars;
  private final Set<Long> writing = ConcurrentHashMap.newKeySet();

  /**
   * @param promptTokenBudget the companion prompt's budget: a summary request stays within it
   */
  private final LlmUsage usage;

  public CompanionMemory(
      CompanionConversationStore conversations,
      CompanionChats chats,
      Blocking blocking,
      LlmGateway gateway,
      int promptTokenBudget,
      LlmUsage usage) {
    this.usage = usage;
    this.conversations = conversations;
    this.chats = chats;
    this.blocking = blocking;
    this.gateway = gateway;
    this.transcriptChars = Math.max(1_000, promptTokenBudget * 3);
  }

  /** Replaces the summary (null or blank: none) and the pinned facts (null: none). */
  public Future<JsonObject> update(
      Identity me, Object conversationId, Object summary, Object pins) {
    long id = CompanionChats.required(conversationId, "conversationId");
    String text = summary(summary);
    List<String> facts = pins(pins);
    return blocking.run(
        () -> {
          CompanionConversation c = chats.owned(me, id);
          conversations.remember(c, text, facts);
          return chats.owned(me, id).memoryJson();
        });
  }

  /**
   * Summarises {@code older} (oldest first, the messages the last prompt left out and those next to
   * go) into the conversation's summary, with the summary so far. Called on the reply's context
   * once it is stored.
   */
  void summarise(
      CompanionConversation conversation,
      CharacterCard card,
      String userName,
      List<CompanionMessage> older) {
    if (older.isEmpty() || !writing.add(conversation.id())) {
      return;
    }
    StringBuilder transcript = new StringBuilder();
    if (conversation.summary() != null) {
      transcript.append("Summary so far: ").append(conversation.summary()).append("\n\n");
    }
    transcript.append("New messages:\n");
    long through = conversation.summaryThrough();
    for (CompanionMessage m : older) {
      String line =
          (CompanionMessage.USER.equals(m.role()) ? "{{user}}" : "{{char}}")
              + ": "
              + m.content()
              + "\n";
      if (through > conversation.summaryThrough()
          && transcript.length() + line.length() > transcriptChars) {
        break; // the rest waits for the next summary
      }
      transcript.append(line);
      through = m.id();
    }
    List<ChatMessage> messages =
        List.of(
            ChatMessage.system(PromptBuilder.names(INSTRUCTIONS, card.name(), userName)),
            ChatMessage.user(
                PromptBuilder.names(
                    transcript.toString(), card.name(), userName, transcriptChars * 2)));
    long covered = through;
    summaryCall(conversation, new LlmRequest(null, messages, null, SUMMARY_MAX_TOKENS))
        .compose(
            text ->
                blocking.run(
                    () -> {
                      conversations.summarised(conversation, cut(text.strip()), covered);
                      return null;
                    }))
        .onComplete(done -> writing.remove(conversation.id()));
  }

  /**
   * The one LLM call of a summary. It goes through the gateway as the conversation's user's call:
   * their slot, their share of the upstream, their quota; its tokens count as theirs, for the
   * conversation's character.
   */
  private Future<String> summaryCall(CompanionConversation conversation, LlmRequest request) {
    String userId = conversation.userId();
    return usage
        .quotas()
        .check(userId)
        .compose(
            allowed -> {
              LlmCall call = gateway.stream(userId, request, delta -> {});
              return usage
                  .usage()
                  .track(userId, conversation.characterId(), request, call)
                  .reply()
                  .map(reply -> reply.text());
            });
  }

  private static String cut(String text) {
    if (text.length() <= MAX_SUMMARY_CHARS) {
      return text;
    }
    int end = MAX_SUMMARY_CHARS;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static String summary(Object value) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return null;
    }
    return ClientInput.text(value, "summary").strip(); // at most 4,000 characters
  }

  private static List<String> pins(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_PINS) {
      throw ApiException.badRequest("pins must be an array of at most " + MAX_PINS + " texts");
    }
    List<String> out = new ArrayList<>();
    for (Object pin : array) {
      String text = ClientInput.text(pin, "pins[]").strip();
      if (text.codePointCount(0, text.length()) > MAX_PIN_CHARS) {
        throw ApiException.badRequest("a pin must be at most " + MAX_PIN_CHARS + " characters");
      }
      out.add(text);
    }
    return out;
  }
}
