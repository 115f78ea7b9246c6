package chat.nexus.companion;

import chat.nexus.llm.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
 * <p>The whole prompt stays within the token budget. The newest message is kept whole; the card's parts
 * then get what is left in the order they matter: the system prompt, the post-history instructions, the
 * description, the personality, the scenario, the lorebook entries, the example dialogue. A text part
 * that does not fit whole is cut to what is left (and left out when under {@link #MIN_CUT_TOKENS});
 * a lorebook entry is used whole or not at all. History older than the newest message gets the rest. So
 * when the newest message alone fills the budget, the prompt is that message.
 *
 * <p>Lorebook ({@code character_book.entries}, see {@link Lorebook}): the entries that apply to the last
 * {@code scan_depth} messages (default {@link Lorebook#DEFAULT_SCAN_DEPTH}) go in {@code insertion_order},
 * within the book's {@code token_budget} when it has one.
 *
 * <p>Tokens are estimated, not counted: {@link #estimateTokens} is the length in Unicode code points divided
 * by 4, rounded up, plus {@link #MESSAGE_OVERHEAD} per message (OpenAI's rule of thumb for English; the
 * models behind an OpenAI-compatible API use different tokenizers, so no single real tokenizer would be
 * exact either). Keep the budget a little under the model's context minus the reply's max_tokens.
 *
 * <p>The work is bounded by {@link CardLimits} and {@link Lorebook#MAX_SCAN_CHARS}, and runs on a worker
 * (CompanionService), never on an event loop.
 */
public final class PromptBuilder {

  public static final String DEFAULT_SYSTEM_PROMPT =
      "Write {{char}}'s next reply in a fictional chat between {{char}} and {{user}}. Stay in character, "
          + "write in {{char}}'s voice, and never speak for {{user}}.";
  public static final int DEFAULT_SCAN_DEPTH = Lorebook.DEFAULT_SCAN_DEPTH;
  public static final int MESSAGE_OVERHEAD = 4;
  /** A part cut shorter than this says too little to be worth its place. */
  public static final int MIN_CUT_TOKENS = 16;
  /** The system message's parts are joined by a blank line; each part pays for its separator. */
  private static final String SEPARATOR = "\n\n";

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
    String name = card.name();
    Budget budget = new Budget(tokenBudget - (history.isEmpty() ? 0 : estimateTokens(history.get(history.size() - 1))));

    String system = null;
    String description = null;
    String personality = null;
    String scenario = null;
    String post = null;
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    String examples = null;
    if (budget.open(MESSAGE_OVERHEAD)) {
      String template = card.systemPrompt().isBlank()
          ? DEFAULT_SYSTEM_PROMPT
          : ORIGINAL.matcher(card.systemPrompt()).replaceAll(Matcher.quoteReplacement(DEFAULT_SYSTEM_PROMPT));
      system = budget.cut(names(template, name, user));
      String postText = ORIGINAL.matcher(card.postHistoryInstructions()).replaceAll("").strip();
      if (!postText.isEmpty() && budget.open(MESSAGE_OVERHEAD)) {
        post = budget.cut(names(postText, name, user));
        if (post == null) {
          budget.refund(MESSAGE_OVERHEAD);
        }
      }
      description = budget.cut(labelled("", card.description(), name, user));
      personality = budget.cut(labelled("{{char}}'s personality: ", card.personality(), name, user));
      scenario = budget.cut(labelled("Scenario: ", card.scenario(), name, user));
      lore(card.lorebook(), history, name, user, budget, before, after);
      examples = budget.cut(labelled("Example dialogue:\n", card.messageExamples(), name, user));
    }

    List<String> parts = new ArrayList<>();
    addIfPresent(parts, system);
    parts.addAll(before);
    addIfPresent(parts, description);
    addIfPresent(parts, personality);
    addIfPresent(parts, scenario);
    parts.addAll(after);
    addIfPresent(parts, examples);

    Deque<ChatMessage> kept = new ArrayDeque<>();
    if (!history.isEmpty()) {
      kept.add(history.get(history.size() - 1));
    }
    for (int i = history.size() - 2; i >= 0; i--) {
      if (!budget.take(estimateTokens(history.get(i)))) {
        break;
      }
      kept.addFirst(history.get(i));
    }

    List<ChatMessage> prompt = new ArrayList<>(kept.size() + 2);
    if (!parts.isEmpty()) {
      prompt.add(ChatMessage.system(String.join(SEPARATOR, parts)));
    }
    prompt.addAll(kept);
    if (post != null) {
      prompt.add(ChatMessage.system(post));
    }
    return prompt;
  }

  /** Tokens left, spent part by part. */
  private static final class Budget {
    private int left;

    Budget(int left) {
      this.left = left;
    }

    /** Takes a message's overhead when there is room for it and some content. */
    boolean open(int overhead) {
      if (left < overhead + MIN_CUT_TOKENS) {
        return false;
      }
      left -= overhead;
      return true;
    }

    void refund(int tokens) {
      left += tokens;
    }

    boolean take(int tokens) {
      if (tokens > left) {
        return false;
      }
      left -= tokens;
      return true;
    }

    /** The text whole, or its start that fits (null: not even {@link #MIN_CUT_TOKENS}, or no text). */
    String cut(String text) {
      if (text == null || text.isEmpty()) {
        return null;
      }
      if (take(cost(text))) {
        return text;
      }
      if (left < MIN_CUT_TOKENS) {
        return null;
      }
      String start = text.substring(0, text.offsetByCodePoints(0, left * 4 - SEPARATOR.length()));
      left -= cost(start);
      return start;
    }

    /** The text whole, or null when it does not fit. */
    String whole(String text) {
      return take(cost(text)) ? text : null;
    }

    private static int cost(String text) {
      return (text.codePointCount(0, text.length()) + SEPARATOR.length() + 3) / 4;
    }
  }

  private static String labelled(String label, String text, String charName, String userName) {
    return text == null || text.isBlank() ? null : names(label + text.strip(), charName, userName);
  }

  private static void addIfPresent(List<String> parts, String part) {
    if (part != null) {
      parts.add(part);
    }
  }

  static String names(String text, String charName, String userName) {
    String withChar = CHAR.matcher(text).replaceAll(Matcher.quoteReplacement(charName));
    return USER.matcher(withChar).replaceAll(Matcher.quoteReplacement(userName));
  }

  /** The lorebook entries that apply and fit, split by position. */
  private static void lore(Lorebook book, List<ChatMessage> history, String charName, String userName, Budget budget,
      List<String> before, List<String> after) {
    if (book.isEmpty()) {
      return;
    }
    Integer bookBudget = book.tokenBudget();
    int used = 0;
    for (Lorebook.Entry entry : book.matching(scanned(history, book.scanDepth()))) {
      int cost = estimateTokens(entry.content());
      if (bookBudget != null && used + cost > bookBudget) {
        continue;
      }
      String content = budget.whole(names(entry.content(), charName, userName));
      if (content == null) {
        continue;
      }
      used += cost;
      (entry.beforeChar() ? before : after).add(content);
    }
  }

  /** The last {@code depth} messages, one per line, no more than the lorebook searches. */
  private static String scanned(List<ChatMessage> history, int depth) {
    Deque<String> parts = new ArrayDeque<>();
    int chars = 0;
    for (int i = history.size() - 1; i >= Math.max(0, history.size() - depth) && chars < Lorebook.MAX_SCAN_CHARS; i--) {
      String content = history.get(i).content();
      parts.addFirst(content);
      chars += content.length() + 1;
    }
    return String.join("\n", parts) + "\n";
  }
}
