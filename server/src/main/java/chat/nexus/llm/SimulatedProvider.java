package chat.nexus.llm;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provider used when no API key is set: a reply in the character's voice, built from its name
 * and description and the user's words, streamed one word at a time at a fixed pace. Deterministic:
 * the same persona and words give the same reply. Lets the product, its tests and the load tool run
 * offline.
 */
public final class SimulatedProvider implements LlmProvider {

  /** Name used when neither the request's persona nor the system prompt names one. */
  static final String DEFAULT_NAME = "Companion";

  /** Most of the user's words quoted back. */
  static final int MAX_ECHO_WORDS = 12;

  /** Most of the description woven into the reply. */
  static final int MAX_TRAIT_CHARS = 80;

  private static final Pattern YOU_ARE =
      Pattern.compile("(?i)\\byou are ([\\p{L}\\p{N}' .-]{1,40}?)(?:[,.!\\n]|$)");
  private static final Pattern TOKEN = Pattern.compile("\\S+\\s*");
  private static final String[] OPENINGS = {
    "*%s smiles warmly* ",
    "*%s tilts their head, thinking* ",
    "*%s leans closer* ",
    "*%s laughs softly* ",
  };
  private static final String[] CLOSINGS = {
    "Tell me more, I'm listening.",
    "What made you think of that?",
    "I'd love to hear what happens next.",
    "Shall we explore that together?",
  };

  private final Vertx vertx;
  private final long tokenDelayMs;

  public SimulatedProvider(Vertx vertx, long tokenDelayMs) {
    if (tokenDelayMs < 0) {
      throw new IllegalArgumentException("tokenDelayMs must not be negative");
    }
    this.vertx = vertx;
    this.tokenDelayMs = tokenDelayMs;
  }

  @Override
  public boolean simulated() {
    return true;
  }

  /** The whole reply this provider will stream for {@code request}. */
  public static String replyFor(LlmRequest request) {
    String name = DEFAULT_NAME;
    String description = "";
    if (request.persona() != null) {
      if (request.persona().name() != null && !request.persona().name().isBlank()) {
        name = request.persona().name().strip();
      }
      description =
          request.persona().description() == null ? "" : request.persona().description().strip();
    } else {
      for (ChatMessage m : request.messages()) {
        if (ChatMessage.SYSTEM.equals(m.role())) {
          Matcher you = YOU_ARE.matcher(m.content());
          if (you.find()) {
            name = you.group(1).strip();
          }
          break;
        }
      }
    }
    String said = request.lastUserText().strip().replaceAll("\\s+", " ");
    String[] words = said.isEmpty() ? new String[0] : said.split(" ");
    String echo =
        String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, MAX_ECHO_WORDS)))
            + (words.length > MAX_ECHO_WORDS ? "..." : "");
    int pick = Math.floorMod((name + "|" + said).hashCode(), OPENINGS.length);
    StringBuilder reply = new StringBuilder(String.format(OPENINGS[pick], name));
    if (echo.isEmpty()) {
      reply.append("You're quiet today. ");
    } else {
      reply.append("You said \"").append(echo).append("\". ");
    }
    String trait = firstSentence(description);
    if (!trait.isEmpty()) {
      reply.append("As ").append(asSelf(trait, name)).append(", I find that fascinating. ");
    }
    reply.append(CLOSINGS[Math.floorMod(said.hashCode(), CLOSINGS.length)]);
    return reply.toString();
  }

  /** The reply cut into streaming deltas: words with their trailing spaces. */
  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Override
  public void stream(LlmRequest request, LlmCall call) {
    List<String> tokens = tokens(replyFor(request));
    Context context = vertx.getOrCreateContext();
    long[] timer = {-1};
    call.onCancel(
        () ->
            context.runOnContext(
                v -> {
                  if (timer[0] >= 0) {
                    vertx.cancelTimer(timer[0]);
                  }
                }));
    context.runOnContext(v -> next(tokens, 0, call, timer));
  }

  private void next(List<String> tokens, int index, LlmCall call, long[] timer) {
    if (call.isDone()) {
      return;
    }
    if (index >= tokens.size()) {
      call.succeed(new LlmReply(call.streamedText(), null, tokens.size(), false));
      return;
    }
    Runnable step =
        () -> {
          if (call.token(tokens.get(index))) {
            next(tokens, index + 1, call, timer);
          }
        };
    if (tokenDelayMs == 0) {
      step.run();
    } else {
      timer[0] = vertx.setTimer(tokenDelayMs, id -> step.run());
    }
  }

  private static String firstSentence(String text) {
    String s = text.replaceAll("\\s+", " ").strip();
    int end = s.indexOf('.');
    if (end > 0) {
      s = s.substring(0, end);
    }
    return s.length() > MAX_TRAIT_CHARS ? s.substring(0, MAX_TRAIT_CHARS).strip() : s;
  }

  /** "Mira is the ship's AI" -> "the ship's AI"; any other trait -> "someone who is <trait>". */
  static String asSelf(String trait, String name) {
    Matcher self =
        Pattern.compile(
                "^(?:" + Pattern.quote(name) + "|\\{\\{char}})\\s+(?:is|was)\\s+(.+)$",
                Pattern.CASE_INSENSITIVE)
            .matcher(trait);
    return self.matches() ? self.group(1) : "someone who is " + lowerFirst(trait);
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
