package chat.nexus.companion;

import chat.nexus.llm.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the chat-completions prompt of a companion from its card and the conversation:
 * <ol>
 *   <li>one system message: the card's {@code system_prompt} ({@code {{original}}} in it stands for the
 *       default), or {@link #DEFAULT_SYSTEM_PROMPT}; then lorebook entries at {@code before_char}; the
 *       description; the personality; the scenario; lorebook entries at {@code after_char} (the default);
 *       and the example dialogue ({@code mes_example});</li>
 *   <li>as much recent history as fits the token budget, oldest dropped first, contiguous, the newest
 *       message always kept;</li>
 *   <li>{@code post_history_instructions} as a last system message, after the history.</li>
 * </ol>
 * {@code creator_notes} never appear. {@code {{char}}}/{@code <BOT>} and {@code {{user}}}/{@code <USER>}
 * are replaced by the character's and the user's names.
 *
 * <p>Lorebook ({@code character_book.entries}): an entry is used when {@code enabled} is not false and it is
 * {@code constant}, or one of its {@code keys} occurs in the last {@code scan_depth} messages (default
 * {@link #DEFAULT_SCAN_DEPTH}) as plain text, case-insensitively unless the entry says
 * {@code case_sensitive: true}; a {@code selective} entry with {@code secondary_keys} also needs one of
 * those. Entries go in {@code insertion_order}, within the book's {@code token_budget} when it has one.
 * Regex keys ({@code use_regex}) are matched as plain text.
 *
 * <p>Tokens are estimated, not counted: {@link #estimateTokens} is the length in Unicode code points divided
 * by 4, rounded up, plus {@link #MESSAGE_OVERHEAD} per message (OpenAI's rule of thumb for English; the
 * models behind an OpenAI-compatible API use different tokenizers, so no single real tokenizer would be
 * exact either). Keep the budget a little under the model's context minus the reply's max_tokens.
 */
public final class PromptBuilder {

  public static final String DEFAULT_SYSTEM_PROMPT =
      "Write {{char}}'s next reply in a fictional chat between {{char}} and {{user}}. Stay in character, "
          + "write in {{char}}'s voice, and never speak for {{user}}.";
  public static final int DEFAULT_SCAN_DEPTH = 4;
  public static final int MESSAGE_OVERHEAD = 4;

  private static final Pattern CHAR = Pattern.compile("\\{\\{char}}|<BOT>", Pattern.CASE_INSENSITIVE);
  private static final Pattern USER = Pattern.compile("\\{\\{user}}|<USER>", Pattern.CASE_INSENSITIVE);
  private static final Pattern ORIGINAL = Pattern.compile("\\{\\{original}}", Pattern.CASE_INSENSITIVE);

  private final int tokenBudget;

  public PromptBuilder(int tokenBudget) {
    if (tokenBudget <= 0) {
      throw new IllegalArgumentException("token budget must be positive: " + tokenBudget);
    }
    this.tokenBudget = tokenBudget;
  }

  public int tokenBudget() {
    return tokenBudget;
  }

  /** The estimated tokens of a text: code points / 4, rounded up. */
  public static int estimateTokens(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    return (text.codePointCount(0, text.length()) + 3) / 4;
  }

  /** The estimated tokens of a message: its content plus {@link #MESSAGE_OVERHEAD}. */
  public static int estimateTokens(ChatMessage message) {
    return estimateTokens(message.content()) + MESSAGE_OVERHEAD;
  }

  /**
   * The prompt for the next reply. {@code history} is the conversation so far, oldest first (user and
   * assistant messages, the user's new message last).
   */
  public List<ChatMessage> build(CharacterCard card, String userName, List<ChatMessage> history) {
    String user = userName == null || userName.isBlank() ? "User" : userName;
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    lore(card, history, before, after);

    List<String> parts = new ArrayList<>();
    String system = card.systemPrompt().isBlank()
        ? DEFAULT_SYSTEM_PROMPT
        : ORIGINAL.matcher(card.systemPrompt()).replaceAll(Matcher.quoteReplacement(DEFAULT_SYSTEM_PROMPT));
    parts.add(system);
    parts.addAll(before);
    add(parts, "", card.description());
    add(parts, "{{char}}'s personality: ", card.personality());
    add(parts, "Scenario: ", card.scenario());
    parts.addAll(after);
    add(parts, "Example dialogue:\n", card.messageExamples());
    ChatMessage systemMessage = ChatMessage.system(names(String.join("\n\n", parts), card.name(), user));

    String postText = ORIGINAL.matcher(card.postHistoryInstructions()).replaceAll("").strip();
    ChatMessage post = postText.isEmpty() ? null : ChatMessage.system(names(postText, card.name(), user));

    int remaining = tokenBudget - estimateTokens(systemMessage) - (post == null ? 0 : estimateTokens(post));
    Deque<ChatMessage> kept = new ArrayDeque<>();
    for (int i = history.size() - 1; i >= 0; i--) {
      ChatMessage message = history.get(i);
      int cost = estimateTokens(message);
      if (cost > remaining && !kept.isEmpty()) {
        break;
      }
      kept.addFirst(message);
      remaining -= cost;
    }

    List<ChatMessage> prompt = new ArrayList<>(kept.size() + 2);
    prompt.add(systemMessage);
    prompt.addAll(kept);
    if (post != null) {
      prompt.add(post);
    }
    return prompt;
  }

  private static void add(List<String> parts, String label, String text) {
    if (text != null && !text.isBlank()) {
      parts.add(label + text.strip());
    }
  }

  static String names(String text, String charName, String userName) {
    String withChar = CHAR.matcher(text).replaceAll(Matcher.quoteReplacement(charName));
    return USER.matcher(withChar).replaceAll(Matcher.quoteReplacement(userName));
  }

  /** The lorebook entries that apply, split by position. */
  private static void lore(CharacterCard card, List<ChatMessage> history, List<String> before, List<String> after) {
    JsonObject book = card.characterBook();
    if (book == null || !(book.getValue("entries") instanceof JsonArray entries)) {
      return;
    }
    int depth = book.getValue("scan_depth") instanceof Number n && n.intValue() > 0 ? n.intValue() : DEFAULT_SCAN_DEPTH;
    StringBuilder scan = new StringBuilder();
    for (int i = Math.max(0, history.size() - depth); i < history.size(); i++) {
      scan.append(history.get(i).content()).append('\n');
    }
    String text = scan.toString();
    String lower = text.toLowerCase(Locale.ROOT);
    Integer budget = book.getValue("token_budget") instanceof Number n && n.intValue() > 0 ? n.intValue() : null;

    List<JsonObject> matching = new ArrayList<>();
    for (Object value : entries) {
      if (!(value instanceof JsonObject entry) || Boolean.FALSE.equals(entry.getValue("enabled"))) {
        continue;
      }
      if (!(entry.getValue("content") instanceof String content) || content.isBlank()) {
        continue;
      }
      boolean caseSensitive = Boolean.TRUE.equals(entry.getValue("case_sensitive"));
      boolean hit = Boolean.TRUE.equals(entry.getValue("constant"))
          || (anyKey(entry.getValue("keys"), text, lower, caseSensitive)
              && (!Boolean.TRUE.equals(entry.getValue("selective"))
                  || !(entry.getValue("secondary_keys") instanceof JsonArray secondary) || secondary.isEmpty()
                  || anyKey(secondary, text, lower, caseSensitive)));
      if (hit) {
        matching.add(entry);
      }
    }
    matching.sort(Comparator.comparingInt(e -> e.getValue("insertion_order") instanceof Number n ? n.intValue() : 0));
    int used = 0;
    for (JsonObject entry : matching) {
      String content = entry.getString("content").strip();
      int cost = estimateTokens(content);
      if (budget != null && used + cost > budget) {
        continue;
      }
      used += cost;
      ("before_char".equals(entry.getValue("position")) ? before : after).add(content);
    }
  }

  private static boolean anyKey(Object keys, String text, String lower, boolean caseSensitive) {
    if (!(keys instanceof JsonArray array)) {
      return false;
    }
    for (Object key : array) {
      if (key instanceof String k && !k.isBlank()) {
        String needle = k.strip();
        if (caseSensitive ? text.contains(needle) : lower.contains(needle.toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    }
    return false;
  }
}
