package chat.nexus.companion;

import chat.nexus.llm.ChatMessage;
import chat.nexus.llm.TokenEstimate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the chat-completions prompt of a companion from its card and the conversation:
 *
 * <ol>
 *   <li>one system message: the card's {@code system_prompt} ({@code {{original}}} in it stands for
 *       the default), or {@link #DEFAULT_SYSTEM_PROMPT}; then lorebook entries at {@code
 *       before_char}; the description; the personality; the scenario; the user's persona; lorebook
 *       entries at {@code after_char} (the default); the example dialogue ({@code mes_example});
 *       and the conversation's memory: the summary of older messages and the facts the user pinned;
 *   <li>as much recent history as fits the token budget, oldest dropped first, contiguous, the
 *       newest message always kept;
 *   <li>{@code post_history_instructions} as a last system message, after the history.
 * </ol>
 *
 * {@code creator_notes} never appear. {@code {{char}}}/{@code <BOT>} and {@code {{user}}}/{@code
 * <USER>} are replaced by the character's and the user's names.
 *
 * <p>The whole prompt stays within the token budget. The newest message is kept whole; the card's
 * parts then get what is left in the order they matter: the system prompt, the post-history
 * instructions, the pinned facts, the summary, the description, the personality, the scenario, the
 * persona, the lorebook entries, the example dialogue. A text part that does not fit whole is cut
 * to what is left (and left out when under {@link #MIN_CUT_TOKENS}); a lorebook entry is used whole
 * or not at all. History older than the newest message gets the rest. So when the newest message
 * alone fills the budget, the prompt is that message.
 *
 * <p>Lorebook ({@code character_book.entries}, see {@link Lorebook}): the entries that apply to the
 * last {@code scan_depth} messages (default {@link Lorebook#DEFAULT_SCAN_DEPTH}) go in {@code
 * insertion_order}, within the book's {@code token_budget} when it has one.
 *
 * <p>Tokens are estimated, not counted ({@link TokenEstimate}): the length in Unicode code points
 * divided by 4, rounded up, plus {@link #MESSAGE_OVERHEAD} per message (OpenAI's rule of thumb for
 * English; the models behind an OpenAI-compatible API use different tokenizers, so no single real
 * tokenizer would be exact either). Keep the budget a little under the model's context minus the
 * reply's max_tokens.
 *
 * <p>The work is bounded by {@link CardLimits} and {@link Lorebook#MAX_SCAN_CHARS}, and runs on a
 * worker (CompanionService), never on an event loop.
 */
public final class PromptBuilder {

  public static final String DEFAULT_SYSTEM_PROMPT =
      "Write {{char}}'s next reply in a fictional chat between {{char}} and {{user}}. Stay in character, "
          + "write in {{char}}'s voice, and never speak for {{user}}.";
  public static final int MESSAGE_OVERHEAD = TokenEstimate.MESSAGE_OVERHEAD;

  /** A part cut shorter than this says too little to be worth its place. */
  public static final int MIN_CUT_TOKENS = 16;

  /** The system message's parts are joined by a blank line; each part pays for its separator. */
  static final String SEPARATOR = "\n\n";

  private static final Pattern USER =
      Pattern.compile("\\{\\{user}}|<USER>", Pattern.CASE_INSENSITIVE);
  private static final Pattern ORIGINAL =
      Pattern.compile("\\{\\{original}}", Pattern.CASE_INSENSITIVE);

  /**
   * Both kinds of name placeholders, replaced in one pass so that a result cut short is a true
   * prefix.
   */
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{(?:char|user)}}|<(?:BOT|USER)>", Pattern.CASE_INSENSITIVE);

  /**
   * Longest text a replacement of names makes. Placeholders are short and names are not (a card
   * name may have 200 characters): a field at its cap full of {@code <BOT>} would become millions
   * of characters, stored as a greeting or built for every message before the budget cut it.
   */
  static final int MAX_NAMED_CHARS = CardLimits.MAX_FIELD_CHARS;

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
    return TokenEstimate.of(text);
  }

  /** The estimated tokens of a message: its content plus {@link #MESSAGE_OVERHEAD}. */
  public static int estimateTokens(ChatMessage message) {
    return TokenEstimate.of(message);
  }

  /**
   * Who the user is and what the conversation remembers: the name for {@code {{user}}}, the
   * persona's description (null: none), the summary of older messages (null: none) and the facts
   * the user pinned.
   */
  public record Context(String userName, String persona, String summary, List<String> pins) {
    public Context {
      pins = pins == null ? List.of() : List.copyOf(pins);
    }

    static Context of(String userName) {
      return new Context(userName, null, null, List.of());
    }
  }

  /**
   * The prompt for the next reply. {@code history} is the conversation so far, oldest first (user
   * and assistant messages, the user's new message last).
   */
  public List<ChatMessage> build(CharacterCard card, String userName, List<ChatMessage> history) {
    return build(card, Context.of(userName), history);
  }

  /** The prompt for the next reply, with the persona and the memory of {@code context}. */
  public List<ChatMessage> build(CharacterCard card, Context context, List<ChatMessage> history) {
    String userName = context.userName();
    String user = userName == null || userName.isBlank() ? "User" : userName;
    PromptBudget budget =
        new PromptBudget(
            tokenBudget
                - (history.isEmpty() ? 0 : estimateTokens(history.get(history.size() - 1))));
    CardText text =
        budget.open(MESSAGE_OVERHEAD)
            ? cardText(card, context, history, user, budget)
            : CardText.NONE;
    Deque<ChatMessage> kept = recentHistory(history, budget);
    List<ChatMessage> prompt = new ArrayList<>(kept.size() + 2);
    if (!text.parts().isEmpty()) {
      prompt.add(ChatMessage.system(String.join(SEPARATOR, text.parts())));
    }
    prompt.addAll(kept);
    if (text.post() != null) {
      prompt.add(ChatMessage.system(text.post()));
    }
    return prompt;
  }

  /**
   * The card's share of the prompt: the parts of the system message in their order, and the
   * post-history instructions (null: none).
   */
  private record CardText(List<String> parts, String post) {
    static final CardText NONE = new CardText(List.of(), null);
  }

  /**
   * The card's text that fits the budget, taken in order of importance (the system prompt, the
   * post-history instructions, description, personality, scenario, the lorebook, examples); the
   * system message's overhead is already taken.
   */
  private CardText cardText(
      CharacterCard card,
      Context context,
      List<ChatMessage> history,
      String user,
      PromptBudget budget) {
    String name = card.name();
    String template =
        card.systemPrompt().isBlank()
            ? DEFAULT_SYSTEM_PROMPT
            : replace(ORIGINAL, card.systemPrompt(), m -> DEFAULT_SYSTEM_PROMPT, budget.bound());
    String system = budget.cut(names(template, name, user, budget.bound()));
    String post = null;
    String postText = ORIGINAL.matcher(card.postHistoryInstructions()).replaceAll("").strip();
    if (!postText.isEmpty() && budget.open(MESSAGE_OVERHEAD)) {
      post = budget.cut(names(postText, name, user, budget.bound()));
      if (post == null) {
        budget.refund(MESSAGE_OVERHEAD);
      }
    }
    String pins =
        context.pins().isEmpty()
            ? null
            : budget.cut(
                labelled(
                    "Facts to remember:\n",
                    "- " + String.join("\n- ", context.pins()),
                    name,
                    user,
                    budget.bound()));
    String summary =
        budget.cut(
            labelled(
                "Summary of the conversation so far: ",
                context.summary(),
                name,
                user,
                budget.bound()));
    String description = budget.cut(labelled("", card.description(), name, user, budget.bound()));
    String personality =
        budget.cut(
            labelled("{{char}}'s personality: ", card.personality(), name, user, budget.bound()));
    String scenario =
        budget.cut(labelled("Scenario: ", card.scenario(), name, user, budget.bound()));
    String persona =
        budget.cut(labelled("About {{user}}: ", context.persona(), name, user, budget.bound()));
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    lore(card.lorebook(), history, name, user, budget, before, after);
    String examples =
        budget.cut(
            labelled("Example dialogue:\n", card.messageExamples(), name, user, budget.bound()));
    List<String> parts = new ArrayList<>();
    addIfPresent(parts, system);
    parts.addAll(before);
    addIfPresent(parts, description);
    addIfPresent(parts, personality);
    addIfPresent(parts, scenario);
    addIfPresent(parts, persona);
    parts.addAll(after);
    addIfPresent(parts, examples);
    addIfPresent(parts, summary);
    addIfPresent(parts, pins);
    return new CardText(parts, post);
  }

  /** The newest message always, then older ones, newest first, while they fit; oldest first. */
  private static Deque<ChatMessage> recentHistory(List<ChatMessage> history, PromptBudget budget) {
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
    return kept;
  }

  private static String labelled(
      String label, String text, String charName, String userName, int maxChars) {
    return text == null || text.isBlank()
        ? null
        : names(label + text.strip(), charName, userName, maxChars);
  }

  private static void addIfPresent(List<String> parts, String part) {
    if (part != null) {
      parts.add(part);
    }
  }

  /**
   * The text with the character's and the user's names in, at most {@link #MAX_NAMED_CHARS} long.
   */
  static String names(String text, String charName, String userName) {
    return names(text, charName, userName, MAX_NAMED_CHARS);
  }

  /**
   * The text with {@code {{char}}}/{@code <BOT>} and {@code {{user}}}/{@code <USER>} replaced, cut
   * to at most {@code maxChars} UTF-16 units: the work is bounded by what the caller can use,
   * whatever the placeholders would expand to.
   */
  static String names(String text, String charName, String userName, int maxChars) {
    String charValue = charValue(charName, userName);
    return replace(PLACEHOLDER, text, m -> isChar(text, m) ? charValue : userName, maxChars);
  }

  /** Code points of {@link #names} without its cap, counted without building it. */
  static long namedCodePoints(String text, String charName, String userName) {
    String charValue = charValue(charName, userName);
    long charPoints = charValue.codePointCount(0, charValue.length());
    long userPoints = userName.codePointCount(0, userName.length());
    long points = text.codePointCount(0, text.length());
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      points +=
          (isChar(text, m) ? charPoints : userPoints)
              - (m.end() - m.start()); // placeholders are ASCII
    }
    return points;
  }

  /**
   * The character's name as it replaces {@code {{char}}}: a {@code {{user}}} in it stands for the
   * user.
   */
  private static String charValue(String charName, String userName) {
    return USER.matcher(charName).replaceAll(Matcher.quoteReplacement(userName));
  }

  private static boolean isChar(String text, Matcher m) {
    return text.charAt(m.start()) == '<'
        ? m.end() - m.start() == "<BOT>".length()
        : Character.toLowerCase(text.charAt(m.start() + 2)) == 'c';
  }

  /**
   * Every match replaced by what {@code replacement} gives for it, the result cut to at most {@code
   * maxChars} UTF-16 units: matching and appending stop once that much is built.
   */
  private static String replace(
      Pattern pattern, String text, Function<Matcher, String> replacement, int maxChars) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
    Matcher m = pattern.matcher(text);
    int last = 0;
    while (out.length() < maxChars && m.find()) {
      out.append(text, last, Math.min(m.start(), last + maxChars - out.length()));
      if (out.length() < maxChars) {
        out.append(replacement.apply(m));
        last = m.end();
      }
    }
    if (out.length() < maxChars) {
      out.append(text, last, (int) Math.min(text.length(), (long) last + maxChars - out.length()));
    }
    return cutAt(out, maxChars);
  }

  private static String cutAt(StringBuilder out, int maxChars) {
    int end = Math.min(out.length(), maxChars);
    if (end > 0 && Character.isHighSurrogate(out.charAt(end - 1))) {
      end--; // not half a character (a whole one never ends in a high surrogate)
    }
    out.setLength(end);
    return out.toString();
  }

  /** The lorebook entries that apply and fit, split by position. */
  private static void lore(
      Lorebook book,
      List<ChatMessage> history,
      String charName,
      String userName,
      PromptBudget budget,
      List<String> before,
      List<String> after) {
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
      // Counted before it is built: most entries of a large book do not fit, and building each
      // would cost its full expansion.
      if (!budget.fits(namedCodePoints(entry.content(), charName, userName))) {
        continue;
      }
      String content = budget.whole(names(entry.content(), charName, userName, budget.bound()));
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
    for (int i = history.size() - 1;
        i >= Math.max(0, history.size() - depth) && chars < Lorebook.MAX_SCAN_CHARS;
        i--) {
      String content = history.get(i).content();
      parts.addFirst(content);
      chars += content.length() + 1;
    }
    return String.join("\n", parts) + "\n";
  }
}
