package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.llm.LlmGateway;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One LLM slot in all, one per user, and a slow simulated provider (a reply takes seconds):
 * AI_BUSY, and clients that go away mid-stream cancel the upstream call. Another user waits up to 1
 * s for the slot.
 */
class CompanionLimitsTest extends CompanionFixtures {

  /**
   * A window after a call ended in which a reply that should not be stored would have been: the
   * point of the tests that wait it out.
   */
  private static final long NOTHING_STORED_MS = 300;

  @Override
  protected Backend backend() {
    return Backend.H2;
  }

  @Override
  protected Map<String, String> env() {
    return Map.of(
        "LLM_SIMULATED_TOKEN_MS",
        "100",
        "LLM_MAX_CONCURRENT",
        "1",
        "LLM_MAX_PER_USER",
        "1",
        "LLM_QUEUE_TIMEOUT_MS",
        "1000");
  }

  private LlmGateway gateway() {
    return server.chatServer().llm();
  }

  private void awaitIdle(long withinMs) {
    Waits.within(
        Duration.ofMillis(withinMs), () -> gateway().gate().inFlight() == 0, "no call in flight");
    assertThat(gateway().gate().inFlight()).as("calls in flight").isZero();
  }

  private long assistantRows(String userId, String characterId) {
    return server.count(
        "SELECT COUNT(*) FROM companion_chat_messages WHERE user_id = ? AND character_id = ? AND role = 'assistant'",
        userId,
        characterId);
  }

  @Test
  void aSecondMessageOfTheSameUserGetsAiBusy() throws Exception {
    awaitIdle(10_000);
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    client.call("companion:open", new JsonObject().put("characterId", id));
    CompletableFuture<JsonObject> first =
        client.callAsync(
            "companion:message", new JsonObject().put("characterId", id).put("text", "one"));
    CompletableFuture<JsonObject> second =
        client.callAsync(
            "companion:message", new JsonObject().put("characterId", id).put("text", "two"));
    List<JsonObject> acks = List.of(Waits.get(first, "first ack"), Waits.get(second, "second ack"));
    JsonObject ok =
        acks.stream()
            .filter(a -> a.getBoolean("ok"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(acks.toString()));
    JsonObject busy =
        acks.stream()
            .filter(a -> !a.getBoolean("ok"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(acks.toString()));
    assertThat(busy.getJsonObject("error").getString("code")).isEqualTo("AI_BUSY");
    assertThat(busy.getJsonObject("error").getLong("retryAfter")).isNotNull().isPositive();
    assertThat(ok.getLong("messageId")).isPositive();
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM companion_chat_messages WHERE user_id = ? AND role = 'user'",
                me.userId()))
        .as("the refused message is not stored")
        .isEqualTo(1);

    // REST while the slot is taken: 503 with Retry-After before any stream starts
    HttpResponse<String> rejected =
        HTTP.send(sseRequest(me.token(), id, "three"), HttpResponse.BodyHandlers.ofString());
    assertThat(rejected.statusCode()).isEqualTo(503);
    assertThat(rejected.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(rejected.body()).getJsonObject("error").getString("code"))
        .isEqualTo("AI_BUSY");

    List<JsonObject> events = streamUntilEnd(client);
    assertThat(events.get(events.size() - 1).getString("event")).isEqualTo("done");
    awaitIdle(5_000);
  }

  /** Two users' sockets; the first one's reply has started, so it holds the only slot. */
  private record SlotTaken(String characterId, Client busy, Client late) {}

  private SlotTaken slotTaken() throws Exception {
    awaitIdle(10_000);
    Guest first = guest();
    Guest second = guest();
    String id = character(first.token());
    Client busy = server.connect(first.token());
    Client late = server.connect(second.token());
    assertThat(
            busy.call(
                    "companion:message",
                    new JsonObject().put("characterId", id).put("text", "take the slot"))
                .getBoolean("ok"))
        .isTrue();
    busy.next("companion:token");
    return new SlotTaken(id, busy, late);
  }

  @Test
  void aMessageThatWaitedInVainIsRefusedInItsAck() throws Exception {
    SlotTaken taken = slotTaken();
    String id = taken.characterId();
    Client busy = taken.busy();
    Client late = taken.late();
    // the slot is taken: this one waits 1 s for a slot, then its ack says AI_BUSY; nothing is
    // stored
    JsonObject ack =
        late.call(
            "companion:message", new JsonObject().put("characterId", id).put("text", "me too"));
    assertThat(ack.getBoolean("ok")).as(ack.encode()).isFalse();
    assertThat(ack.getJsonObject("error").getString("code")).isEqualTo("AI_BUSY");
    assertThat(ack.getJsonObject("error").getLong("retryAfter")).isPositive();
    assertThat(late.pending("companion:error")).isZero();
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM companion_chat_messages WHERE content = ?", "me too"))
        .isZero();
    List<JsonObject> events = streamUntilEnd(busy);
    assertThat(events.get(events.size() - 1).getString("event")).isEqualTo("done");
    awaitIdle(5_000);
  }

  @Test
  void aMessageWhoseSocketLeftWhileWaitingForASlotIsDropped() throws Exception {
    SlotTaken taken = slotTaken();
    String id = taken.characterId();
    Client busy = taken.busy();
    Client late = taken.late();
    late.callAsync(
        "companion:message",
        new JsonObject().put("characterId", id).put("text", "gone before my turn"));
    // it waits (up to 1 s) for the slot...
    Waits.untilTrue(() -> gateway().gate().waiting() == 1, "the message to wait for the slot");
    CompletableFuture<String> lateGone = server.serverDisconnect(late.id());
    late.close(); // ...its socket goes...
    Waits.get(lateGone, "the server to see the socket go");
    busy.close(); // ...and then the slot comes free
    awaitIdle(2_000);
    Thread.sleep(NOTHING_STORED_MS);
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM companion_chat_messages WHERE content = ?",
                "gone before my turn"))
        .as("nothing stored for a caller that left")
        .isZero();
    assertThat(gateway().gate().inFlight()).isZero();
  }

  @Test
  void aSocketThatDisconnectsMidStreamCancelsTheCall() throws Exception {
    awaitIdle(10_000);
    Guest me = guest();
    String id = character(me.token());
    Client client = server.connect(me.token());
    JsonObject ack =
        client.call(
            "companion:message",
            new JsonObject().put("characterId", id).put("text", "a long story please"));
    assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
    client.next("companion:token");
    assertThat(gateway().gate().inFlight()).isEqualTo(1);
    client.close();
    awaitIdle(1_000); // a whole reply takes seconds at this pace
    Thread.sleep(NOTHING_STORED_MS);
    assertThat(assistantRows(me.userId(), id))
        .as("only the greeting: the cancelled reply is not stored")
        .isEqualTo(1);
  }

  @Test
  void anSseClientThatGoesAwayCancelsTheCall() throws Exception {
    awaitIdle(10_000);
    Guest me = guest();
    String id = character(me.token());
    HttpResponse<InputStream> response =
        HTTP.send(
            sseRequest(me.token(), id, "tell me everything"),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    InputStream body = response.body();
    byte[] buffer = new byte[256];
    String seen = "";
    while (!seen.contains("event: token")) {
      int n = body.read(buffer);
      assertThat(n).as("stream ended early: " + seen).isPositive();
      seen += new String(buffer, 0, n);
    }
    assertThat(gateway().gate().inFlight()).isEqualTo(1);
    body.close();
    awaitIdle(2_000);
    Thread.sleep(NOTHING_STORED_MS);
    assertThat(assistantRows(me.userId(), id)).isEqualTo(1);
  }

  private HttpRequest sseRequest(String token, String characterId, String text) {
    return HttpRequest.newBuilder(
            URI.create(server.url() + "/api/companions/" + characterId + "/messages"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .timeout(Duration.ofSeconds(15))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("text", text).encode()))
        .build();
  }
}
