package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedProviderTest {

  /**
   * A window in which a cancelled call must deliver nothing more (the provider's pace is 20 ms).
   */
  private static final long NOTHING_MORE_MS = 100;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static LlmRequest ask(String text) {
    return new LlmRequest(
        null,
        List.of(ChatMessage.system("Play the character."), ChatMessage.user(text)),
        null,
        null,
        new LlmRequest.Persona("Mira", "A cheerful baker from Lyon. Loves bread."));
  }

  @Test
  void repliesInTheCharactersVoiceDeterministically() {
    String reply = SimulatedProvider.replyFor(ask("I baked my first croissant"));
    assertThat(reply)
        .contains("Mira")
        .contains("I baked my first croissant")
        .contains("a cheerful baker from Lyon");
    assertThat(SimulatedProvider.replyFor(ask("I baked my first croissant"))).isEqualTo(reply);
  }

  @Test
  void aDescriptionThatNamesTheCharacterIsSpokenInTheFirstPerson() {
    assertThat(SimulatedProvider.asSelf("Mira is the cheerful AI of the starship Nexus", "Mira"))
        .isEqualTo("the cheerful AI of the starship Nexus");
    assertThat(SimulatedProvider.asSelf("{{char}} was a knight", "Mira")).isEqualTo("a knight");
    assertThat(SimulatedProvider.asSelf("A cheerful baker from Lyon", "Mira"))
        .isEqualTo("someone who is a cheerful baker from Lyon");
  }

  @Test
  void takesTheNameFromTheSystemPromptWhenNoPersonaIsGiven() {
    LlmRequest request =
        new LlmRequest(
            null,
            List.of(ChatMessage.system("You are Captain Vex, a pirate."), ChatMessage.user("hi")),
            null,
            null);
    assertThat(SimulatedProvider.replyFor(request)).contains("Captain Vex");
  }

  @Test
  void streamsTokenByTokenAtItsPace() {
    SimulatedProvider provider = new SimulatedProvider(vertx, 5);
    List<String> deltas = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    LlmReply reply =
        Waits.get(
            provider.stream(ask("hello there"), deltas::add)
                .reply()
                .toCompletionStage()
                .toCompletableFuture(),
            "reply");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    String expected = SimulatedProvider.replyFor(ask("hello there"));
    assertThat(reply.text()).isEqualTo(expected);
    assertThat(String.join("", deltas)).isEqualTo(expected);
    assertThat(deltas).hasSizeGreaterThan(5);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(5L * deltas.size() - 5);
    assertThat(provider.simulated()).isTrue();
  }

  @Test
  void stopsWhenCancelled() throws Exception {
    SimulatedProvider provider = new SimulatedProvider(vertx, 20);
    CompletableFuture<Void> first = new CompletableFuture<>();
    List<String> deltas = new CopyOnWriteArrayList<>();
    LlmCall call =
        provider.stream(
            ask("tell me a long story please"),
            delta -> {
              deltas.add(delta);
              first.complete(null);
            });
    Waits.get(first, "first token");
    call.cancel();
    int seen = deltas.size();
    CompletableFuture<LlmReply> reply = call.reply().toCompletionStage().toCompletableFuture();
    assertThat(reply).isCompletedExceptionally();
    assertThat(reply.handle((r, e) -> e).get()).isInstanceOf(CancellationException.class);
    Thread.sleep(NOTHING_MORE_MS); // the point: no token arrives once the call is cancelled
    assertThat(deltas).hasSize(seen);
  }
}
