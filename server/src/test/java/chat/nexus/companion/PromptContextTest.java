package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.llm.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The persona and the memory in a companion's prompt: where they go and what the budget keeps. */
class PromptContextTest {

  private static final CharacterCard CARD = CharacterCard.parse(Cards.v2("Keeper").encode());

  private static final PromptBuilder.Context CONTEXT =
      new PromptBuilder.Context(
          "Captain Vos",
          "{{user}} lost a ship to {{char}}'s storm.",
          "Vos asked about the ORCHID, a ship lost in March.",
          List.of("The codeword is PELICAN.", "Vos has one eye."));

  @Test
  void thePersonaNamesTheUserAndTheMemoryClosesTheSystemMessage() {
    List<ChatMessage> prompt =
        new PromptBuilder(4096).build(CARD, CONTEXT, List.of(ChatMessage.user("Evening.")));
    String system = prompt.get(0).content();
    assertThat(system)
        .contains("talks to Captain Vos about ships")
        .contains("About Captain Vos: Captain Vos lost a ship to Keeper's storm.")
        .endsWith(
            "Summary of the conversation so far: Vos asked about the ORCHID, a ship lost in March."
                + "\n\nFacts to remember:\n- The codeword is PELICAN.\n- Vos has one eye.");
    assertThat(system.indexOf("Scenario:")).isLessThan(system.indexOf("About Captain Vos"));
    assertThat(system.indexOf("Example dialogue")).isLessThan(system.indexOf("Summary of"));
  }

  @Test
  void aTightBudgetKeepsTheMemoryBeforeTheCardsDetails() {
    List<ChatMessage> history = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      history.add(ChatMessage.user("Turn " + i + ": tell me about the ships tonight, please."));
      history.add(ChatMessage.assistant("The sea is wide and the ships are late, as ever."));
    }
    history.add(ChatMessage.user("What was the word?"));
    List<ChatMessage> prompt = new PromptBuilder(130).build(CARD, CONTEXT, history);
    String system = prompt.get(0).content();
    assertThat(system).contains("PELICAN").contains("ORCHID").doesNotContain("Example dialogue");
    assertThat(prompt.get(prompt.size() - 2)).isEqualTo(ChatMessage.user("What was the word?"));
    int tokens = prompt.stream().mapToInt(PromptBuilder::estimateTokens).sum();
    assertThat(tokens).isLessThanOrEqualTo(130);
  }
}
