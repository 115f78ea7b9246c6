package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.llm.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {

  private static CharacterCard card(JsonObject json) {
    return CharacterCard.parse(json.encode());
  }

  private static JsonObject withBook(JsonArray entries) {
    JsonObject json = Cards.v2("Keeper");
    json.getJsonObject("data").put("character_book", new JsonObject().put("entries", entries));
    return json;
  }

  private static JsonObject entry(String key, String content) {
    return new JsonObject()
        .put("keys", new JsonArray().add(key))
        .put("content", content)
        .put("enabled", true)
        .put("insertion_order", 0)
        .put("extensions", new JsonObject());
  }

  @Test
  void systemMessageFromTheCardWithoutCreatorNotes() {
    List<ChatMessage> prompt =
        new PromptBuilder(4096)
            .build(card(Cards.v2("Keeper")), "Ann", List.of(ChatMessage.user("Hi there")));
    assertThat(prompt).hasSize(3);
    ChatMessage system = prompt.get(0);
    assertThat(system.role()).isEqualTo("system");
    assertThat(system.content())
        .contains("Write Keeper's next reply in a fictional chat between Keeper and Ann")
        .contains("Keeper is a lighthouse keeper who talks to Ann about ships.")
        .contains("Keeper's personality: calm, dry humour")
        .contains("Scenario: A stormy night at the lighthouse.")
        .contains("Example dialogue:\n<START>\nAnn: Hello\nKeeper: Evening.")
        .doesNotContain("{{char}}")
        .doesNotContain("{{user}}");
    assertThat(prompt.get(1)).isEqualTo(ChatMessage.user("Hi there"));
    for (ChatMessage message : prompt) {
      assertThat(message.content()).doesNotContain("SECRET-CREATOR-NOTE");
    }
  }

  @Test
  void cardSystemPromptReplacesTheDefaultAndMayIncludeIt() {
    JsonObject json = Cards.v2("Keeper");
    json.getJsonObject("data").put("system_prompt", "You are {{char}}. {{original}}");
    String system =
        new PromptBuilder(4096)
            .build(card(json), "Ann", List.of(ChatMessage.user("x")))
            .get(0)
            .content();
    assertThat(system).startsWith("You are Keeper. Write Keeper's next reply");
    json.getJsonObject("data").put("system_prompt", "Only this.");
    system =
        new PromptBuilder(4096)
            .build(card(json), "Ann", List.of(ChatMessage.user("x")))
            .get(0)
            .content();
    assertThat(system).startsWith("Only this.").doesNotContain("fictional chat");
  }

  @Test
  void postHistoryInstructionsComeAfterTheHistory() {
    List<ChatMessage> history =
        List.of(ChatMessage.assistant("Ahoy."), ChatMessage.user("Tell me a story"));
    List<ChatMessage> prompt =
        new PromptBuilder(4096).build(card(Cards.v2("Keeper")), "Ann", history);
    assertThat(prompt).hasSize(4);
    assertThat(prompt.subList(1, 3)).isEqualTo(history);
    assertThat(prompt.get(3)).isEqualTo(ChatMessage.system("Reply in two sentences at most."));
    assertThat(prompt.get(0).content()).doesNotContain("two sentences");

    JsonObject none = Cards.v2("Keeper");
    none.getJsonObject("data").remove("post_history_instructions");
    assertThat(new PromptBuilder(4096).build(card(none), "Ann", history))
        .hasSize(3)
        .last()
        .isEqualTo(history.get(1));
  }

  @Test
  void lorebookEntriesMatchRecentMessagesCaseInsensitively() {
    JsonArray entries =
        new JsonArray()
            .add(entry("dragon", "LORE-DRAGON"))
            .add(entry("castle", "LORE-CASTLE"))
            .add(entry("dragon", "LORE-DISABLED").put("enabled", false))
            .add(entry("nothing-matches-this", "LORE-CONSTANT").put("constant", true))
            .add(entry("Dragon", "LORE-CASE-SENSITIVE").put("case_sensitive", true))
            .add(
                entry("dragon", "LORE-SELECTIVE")
                    .put("selective", true)
                    .put("secondary_keys", new JsonArray().add("gold")))
            .add(
                entry("dragon", "LORE-SELECTIVE-HIT")
                    .put("selective", true)
                    .put("secondary_keys", new JsonArray().add("HOARD")))
            .add(entry("dragon", "LORE-BEFORE").put("position", "before_char"));
    List<ChatMessage> history = List.of(ChatMessage.user("Is there a DRAGON near the hoard?"));
    String system =
        new PromptBuilder(4096).build(card(withBook(entries)), "Ann", history).get(0).content();
    assertThat(system)
        .contains("LORE-DRAGON", "LORE-CONSTANT", "LORE-SELECTIVE-HIT", "LORE-BEFORE")
        .doesNotContain("LORE-CASTLE", "LORE-DISABLED", "LORE-CASE-SENSITIVE");
    assertThat(system.indexOf("LORE-BEFORE")).isLessThan(system.indexOf("lighthouse keeper"));
    assertThat(system.indexOf("LORE-DRAGON")).isGreaterThan(system.indexOf("Scenario:"));
    assertThat(system.split("LORE-SELECTIVE", -1))
        .as("only the selective entry with a matching secondary key")
        .hasSize(2);
  }

  @Test
  void lorebookScansOnlyRecentMessages() {
    JsonObject json = withBook(new JsonArray().add(entry("dragon", "LORE-DRAGON")));
    json.getJsonObject("data").getJsonObject("character_book").put("scan_depth", 2);
    List<ChatMessage> history =
        List.of(
            ChatMessage.user("a dragon!"),
            ChatMessage.assistant("where?"),
            ChatMessage.user("gone now"));
    assertThat(new PromptBuilder(4096).build(card(json), "Ann", history).get(0).content())
        .doesNotContain("LORE-DRAGON");
    json.getJsonObject("data").getJsonObject("character_book").put("scan_depth", 3);
    assertThat(new PromptBuilder(4096).build(card(json), "Ann", history).get(0).content())
        .contains("LORE-DRAGON");
  }

  @Test
  void budgetDropsTheOldestHistoryFirst() {
    CharacterCard card = card(Cards.v2("Keeper"));
    List<ChatMessage> history = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      history.add(
          i % 2 == 0
              ? ChatMessage.user("message " + i + " " + "x".repeat(80))
              : ChatMessage.assistant("reply " + i + " " + "y".repeat(80)));
    }
    List<ChatMessage> all = new PromptBuilder(100_000).build(card, "Ann", history);
    assertThat(all).hasSize(52);
    int fixed =
        PromptBuilder.estimateTokens(all.get(0)) + PromptBuilder.estimateTokens(all.get(51));
    int perMessage = PromptBuilder.estimateTokens(history.get(10));
    int budget = fixed + perMessage * 7 + perMessage / 2;
    List<ChatMessage> trimmed = new PromptBuilder(budget).build(card, "Ann", history);
    assertThat(trimmed).hasSize(1 + 7 + 1);
    assertThat(trimmed.subList(1, 8)).isEqualTo(history.subList(43, 50));
    assertThat(trimmed.stream().mapToInt(PromptBuilder::estimateTokens).sum())
        .isLessThanOrEqualTo(budget);
    assertThat(trimmed.get(8).content()).isEqualTo("Reply in two sentences at most.");

    List<ChatMessage> tiny = new PromptBuilder(1).build(card, "Ann", history);
    assertThat(tiny)
        .as("the newest message is always kept, even alone over the budget")
        .containsExactly(history.get(49));
  }

  @Test
  void tokenEstimateIsCodePointsOverFourRoundedUp() {
    assertThat(PromptBuilder.estimateTokens("")).isZero();
    assertThat(PromptBuilder.estimateTokens("abcd")).isEqualTo(1);
    assertThat(PromptBuilder.estimateTokens("abcde")).isEqualTo(2);
    assertThat(PromptBuilder.estimateTokens("😀😀😀😀")).isEqualTo(1);
    assertThat(PromptBuilder.estimateTokens(ChatMessage.user("abcd")))
        .isEqualTo(1 + PromptBuilder.MESSAGE_OVERHEAD);
  }

  private static int tokens(List<ChatMessage> prompt) {
    return prompt.stream().mapToInt(PromptBuilder::estimateTokens).sum();
  }

  @Test
  void theCardIsFittedToTheBudgetKeepingTheNewestMessage() {
    JsonObject json = Cards.v2("Keeper");
    json.getJsonObject("data")
        .put("description", "DESC-START " + "the lighthouse stands tall. ".repeat(3_500))
        .put("personality", "PERSONALITY " + "calm ".repeat(2_000))
        .put("mes_example", "EXAMPLES " + "{{char}}: Evening. ".repeat(2_000));
    JsonArray entries = new JsonArray();
    for (int i = 0; i < 40; i++) {
      entries.add(
          entry("dragon", "LORE-" + i + " " + "scales ".repeat(60)).put("insertion_order", i));
    }
    json.getJsonObject("data").put("character_book", new JsonObject().put("entries", entries));
    List<ChatMessage> history = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      history.add(
          i % 2 == 0
              ? ChatMessage.user("a dragon? " + "x".repeat(400))
              : ChatMessage.assistant("yes " + "y".repeat(400)));
    }
    history.add(ChatMessage.user("NEWEST " + "z".repeat(3_000)));
    for (int budget : new int[] {1_500, 4_096, 8_000}) {
      List<ChatMessage> prompt = new PromptBuilder(budget).build(card(json), "Ann", history);
      assertThat(tokens(prompt)).as("budget %d", budget).isLessThanOrEqualTo(budget);
      assertThat(prompt.get(0).role()).isEqualTo("system");
      assertThat(prompt.get(0).content())
          .startsWith("Write Keeper's next reply")
          .contains("DESC-START");
      assertThat(prompt)
          .as("the newest message, whole, and the post-history instructions last")
          .endsWith(
              history.get(history.size() - 1),
              ChatMessage.system("Reply in two sentences at most."));
    }
    String system = new PromptBuilder(8_000).build(card(json), "Ann", history).get(0).content();
    assertThat(system)
        .as("the description is cut before the personality is")
        .doesNotContain("PERSONALITY")
        .doesNotContain("LORE-");
  }

  @Test
  void lorebookEntriesThatDoNotFitAreLeftOutWholeAndExamplesGoFirst() {
    JsonArray entries =
        new JsonArray()
            .add(entry("dragon", "LORE-BIG " + "scales ".repeat(2_000)).put("insertion_order", 1))
            .add(entry("dragon", "LORE-SMALL").put("insertion_order", 2));
    JsonObject json = withBook(entries);
    json.getJsonObject("data").put("mes_example", "EXAMPLES " + "words ".repeat(2_000));
    List<ChatMessage> history = List.of(ChatMessage.user("a dragon"));
    String system = new PromptBuilder(1_000).build(card(json), "Ann", history).get(0).content();
    assertThat(system).contains("LORE-SMALL").doesNotContain("LORE-BIG").contains("EXAMPLES");
    assertThat(PromptBuilder.estimateTokens(system)).isLessThan(1_000);
  }

  @Test
  void aStoredCardsScanDepthIsCapped() {
    JsonObject json = withBook(new JsonArray().add(entry("dragon", "LORE-DRAGON")));
    json.getJsonObject("data").getJsonObject("character_book").put("scan_depth", 1_000_000);
    List<ChatMessage> history = new ArrayList<>();
    history.add(ChatMessage.user("a dragon!"));
    for (int i = 0; i < CardLimits.MAX_SCAN_DEPTH; i++) {
      history.add(ChatMessage.assistant("quiet " + i));
    }
    CharacterCard stored = CharacterCard.stored(json.encode());
    assertThat(new PromptBuilder(100_000).build(stored, "Ann", history).get(0).content())
        .doesNotContain("LORE-DRAGON");
    history.remove(history.size() - 1);
    assertThat(new PromptBuilder(100_000).build(stored, "Ann", history).get(0).content())
        .contains("LORE-DRAGON");
  }

  @Test
  void loreKeysFindExactlyTheKeysThatOccur() {
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 50; round++) {
      LoreKeys.Builder builder = new LoreKeys.Builder();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String key = randomText(random, 1 + random.nextInt(6));
        if (builder.add(key) == keys.size()) {
          keys.add(key);
        }
      }
      String text = randomText(random, random.nextInt(3_000));
      java.util.BitSet found = builder.build().find(text);
      for (int id = 0; id < keys.size(); id++) {
        assertThat(found.get(id))
            .as("key '%s' in round %d", keys.get(id), round)
            .isEqualTo(text.contains(keys.get(id)));
      }
    }
  }

  private static String randomText(java.util.Random random, int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append("abcé😀".charAt(random.nextInt(5)));
    }
    return out.toString();
  }

  /**
   * A card at the caps whose fields are placeholders and whose name is long: {@code <BOT>} x 200
   * characters.
   */
  private static CharacterCard placeholderBomb() {
    JsonObject json = Cards.v2("N".repeat(200));
    JsonObject data = json.getJsonObject("data");
    String bots = "<BOT>".repeat(18_000);
    data.put("description", bots)
        .put("personality", bots)
        .put("scenario", bots)
        .put("mes_example", bots)
        .put("first_mes", bots);
    JsonArray entries = new JsonArray();
    for (int i = 0; i < CardLimits.MAX_LORE_ENTRIES; i++) {
      entries.add(entry("a", "<BOT>".repeat(90)).put("insertion_order", i));
    }
    data.put("character_book", new JsonObject().put("entries", entries));
    return card(json);
  }

  @Test
  void placeholdersCannotBlowAPromptUpBeforeTheBudgetCutsIt() {
    CharacterCard card = placeholderBomb();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    List<ChatMessage> prompt =
        new PromptBuilder(4096).build(card, "Ann", List.of(ChatMessage.user("a")));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // every part expanded in full first: 240 MB for a prompt of 16,000 characters
    assertThat(allocated).isLessThan(20L << 20);
    int estimated = 0;
    for (ChatMessage message : prompt) {
      estimated += PromptBuilder.estimateTokens(message);
    }
    assertThat(estimated).isLessThanOrEqualTo(4096);
    assertThat(prompt.get(0).content())
        .startsWith("Write " + "N".repeat(200) + "'s next reply")
        .contains("N".repeat(400));
  }

  @Test
  void aGreetingFullOfPlaceholdersStaysWithinTheFieldCap() {
    CharacterCard card = placeholderBomb();
    // stored in every visitor's conversation: 3.6 million characters before
    assertThat(PromptBuilder.names(card.firstMessage(), card.name(), "Ann"))
        .hasSize(CardLimits.MAX_FIELD_CHARS);
  }

  @Test
  void namesCutShortAreAPrefixOfTheWholeReplacement() {
    String text = "{{user}} meets <BOT>; {{CHAR}} greets <user>. ".repeat(50);
    String whole = PromptBuilder.names(text, "Keeper {{user}}", "A");
    assertThat(whole)
        .startsWith("A meets Keeper A; Keeper A greets A. ")
        .doesNotContain("{{")
        .doesNotContain("<");
    assertThat(PromptBuilder.namedCodePoints(text, "Keeper {{user}}", "A"))
        .isEqualTo(whole.length());
    for (int max : new int[] {1, 7, 100, 333}) {
      assertThat(PromptBuilder.names(text, "Keeper {{user}}", "A", max))
          .isEqualTo(whole.substring(0, max));
    }
  }

  @Test
  void aCutNeverEndsInHalfACharacter() {
    String smile = new String(Character.toChars(0x1F600)); // two UTF-16 units
    assertThat(PromptBuilder.names("ab" + smile, "Mira", "Ann", 3)).isEqualTo("ab");
    assertThat(PromptBuilder.names("{{user}}" + smile + "c", "Mira", "Ann", 4)).isEqualTo("Ann");
    assertThat(PromptBuilder.names("ab" + smile, "Mira", "Ann", 4)).isEqualTo("ab" + smile);
  }
}
