package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.testing.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway takes a call's slot and gives it back itself, whatever becomes of the call prepared
 * on it (simulated provider, no network).
 */
class LlmGatewayPermitTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger prepared = new AtomicInteger();
  private LlmGateway gateway;

  @AfterEach
  void close() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LlmGateway gateway(LlmOptions options) {
    gateway = LlmGateway.create(vertx, options);
    return gateway;
  }

  private static LlmOptions oneSlot() {
    return new LlmOptions().maxConcurrent(1).maxPerUser(1).simulatedTokenDelayMs(1);
  }

  private static LlmRequest ask(String text) {
    return new LlmRequest(
        null, List.of(ChatMessage.system("You are Mira."), ChatMessage.user(text)), 0.7, 200);
  }

  private Supplier<Future<LlmRequest>> counted(Future<LlmRequest> request) {
    return () -> {
      prepared.incrementAndGet();
      return request;
    };
  }

  private static <T> CompletableFuture<T> future(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture();
  }

  private static Throwable failure(Future<?> future) {
    Throwable error = Waits.get(future(future).handle((value, e) -> e), "the failure");
    assertThat(error).as("a failure").isNotNull();
    return error instanceof CompletionException wrapped && wrapped.getCause() != null
        ? wrapped.getCause()
        : error;
  }

  private void noPermitLeft() {
    Waits.until(() -> gateway.gate().inFlight() == 0 ? true : null, "every permit back");
  }

  /** A call that holds the only slot until it is cancelled (its reply takes seconds). */
  private LlmCall holdTheSlot() {
    LlmCall held = gateway.stream("ann", ask("a long story ".repeat(50)), TokenSink.NONE);
    assertThat(gateway.gate().inFlight()).isEqualTo(1);
    return held;
  }

  @Test
  void aCallPreparedOnItsSlotGivesTheSlotBackWhenItEnds() {
    LlmGateway gw = gateway(oneSlot());
    Future<LlmCall> call =
        gw.stream("ann", () -> true, counted(Future.succeededFuture(ask("hi"))), TokenSink.NONE);
    LlmReply reply = Waits.get(future(Waits.get(future(call), "the call").reply()), "the reply");
    assertThat(reply.text()).contains("hi");
    assertThat(prepared).hasValue(1);
    noPermitLeft();
  }

  @Test
  void aRefusalComesBackAtOnceAndNothingIsPrepared() {
    gateway(oneSlot().simulatedTokenDelayMs(200));
    LlmCall held = holdTheSlot();
    Future<LlmCall> refused =
        gateway.stream(
            "bob", () -> true, counted(Future.succeededFuture(ask("hi"))), TokenSink.NONE);
    assertThat(refused.failed()).as("refused before stream() returned").isTrue();
    ApiException busy = (ApiException) refused.cause();
    assertThat(busy.code()).isEqualTo(ErrorCode.AI_BUSY);
    assertThat(busy.retryAfterSeconds()).isPositive();
    assertThat(prepared).hasValue(0);
    held.cancel();
    noPermitLeft();
  }

  @Test
  void aCallerThatLeftWhileWaitingGivesTheSlotStraightBack() {
    gateway(oneSlot().maxPerUser(2).queueTimeoutMs(5_000).simulatedTokenDelayMs(200));
    LlmCall held = holdTheSlot();
    Future<LlmCall> waiting =
        gateway.stream(
            "bob", () -> false, counted(Future.succeededFuture(ask("hi"))), TokenSink.NONE);
    assertThat(waiting.isComplete()).as("waits for the slot").isFalse();
    held.cancel();
    assertThat(failure(waiting)).isInstanceOf(CancellationException.class);
    assertThat(prepared).as("nothing prepared for a caller that left").hasValue(0);
    noPermitLeft();
  }

  @Test
  void aPreparationThatFailsOrThrowsGivesTheSlotBack() {
    LlmGateway gw = gateway(oneSlot());
    IllegalStateException broken = new IllegalStateException("no such character");
    Future<LlmCall> failed =
        gw.stream("ann", () -> true, counted(Future.failedFuture(broken)), TokenSink.NONE);
    assertThat(failure(failed)).isSameAs(broken);
    noPermitLeft();
    Future<LlmCall> thrown =
        gw.stream(
            "ann",
            () -> true,
            () -> {
              throw broken;
            },
            TokenSink.NONE);
    assertThat(failure(thrown)).isSameAs(broken);
    noPermitLeft();
    assertThat(
            gw.stream("ann", () -> true, () -> Future.succeededFuture(ask("hi")), TokenSink.NONE)
                .succeeded())
        .as("the slot is free again")
        .isTrue();
  }

  @Test
  void aCacheHitGivesTheSlotBackAtOnce() {
    LlmGateway gw = gateway(oneSlot().cacheTtlMs(60_000));
    Waits.get(future(gw.stream("ann", ask("same"), TokenSink.NONE).reply()), "first reply");
    noPermitLeft();
    LlmCall hit =
        Waits.get(
            future(
                gw.stream(
                    "ann", () -> true, () -> Future.succeededFuture(ask("same")), TokenSink.NONE)),
            "the cached call");
    assertThat(gw.gate().inFlight()).isZero();
    assertThat(Waits.get(future(hit.reply()), "cached reply").cached()).isTrue();
  }
}
