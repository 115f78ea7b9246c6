package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LlmGateTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesUpToTheLimitThenRefusesWithRetryAfter() {
    LlmGate gate = new LlmGate(vertx, 3, 2, 0);
    List<LlmGate.Permit> permits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      permits.add(gate.acquire("user-" + i).result());
    }
    Future<LlmGate.Permit> refused = gate.acquire("user-9");
    assertThat(refused.failed()).isTrue();
    ApiException busy = (ApiException) refused.cause();
    assertThat(busy.code()).isEqualTo(ErrorCode.AI_BUSY);
    assertThat(busy.retryAfterSeconds())
        .isBetween(LlmGate.MIN_RETRY_AFTER_S, LlmGate.MAX_RETRY_AFTER_S);
    assertThat(gate.rejected()).isEqualTo(1);

    permits.get(0).close();
    assertThat(gate.acquire("user-9").succeeded()).isTrue();
    assertThat(gate.inFlight()).isEqualTo(3);
  }

  @Test
  void capsEachUser() {
    LlmGate gate = new LlmGate(vertx, 10, 2, 0);
    gate.acquire("ann").result();
    LlmGate.Permit second = gate.acquire("ann").result();
    Future<LlmGate.Permit> third = gate.acquire("ann");
    assertThat(third.failed()).isTrue();
    assertThat(third.cause().getMessage()).contains("2 replies in progress");
    assertThat(gate.acquire("bob").succeeded()).as("other users are not affected").isTrue();
    second.close();
    assertThat(gate.acquire("ann").succeeded()).isTrue();
  }

  @Test
  void permitsAreGivenBackOnceEvenWhenClosedTwice() {
    LlmGate gate = new LlmGate(vertx, 2, 2, 0);
    LlmGate.Permit permit = gate.acquire("ann").result();
    permit.close();
    permit.close();
    assertThat(gate.inFlight()).isZero();
    gate.acquire("a").result();
    gate.acquire("b").result();
    assertThat(gate.acquire("c").failed()).as("a double close must not create a slot").isTrue();
  }

  @Test
  void aWaiterGetsTheNextFreeSlot() throws Exception {
    LlmGate gate = new LlmGate(vertx, 1, 2, 5_000);
    LlmGate.Permit first = gate.acquire("ann").result();
    Future<LlmGate.Permit> waiting = gate.acquire("bob");
    assertThat(waiting.isComplete()).isFalse();
    assertThat(gate.waiting()).isEqualTo(1);
    first.close();
    LlmGate.Permit handed = waiting.await(5, TimeUnit.SECONDS);
    assertThat(gate.inFlight()).isEqualTo(1);
    assertThat(gate.waiting()).isZero();
    handed.close();
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void aWaiterGivesUpAfterTheQueueTimeout() throws Exception {
    LlmGate gate = new LlmGate(vertx, 1, 2, 50);
    gate.acquire("ann").result();
    Future<LlmGate.Permit> waiting = gate.acquire("bob");
    Throwable failure =
        waiting.transform(Future::succeededFuture).await(5, TimeUnit.SECONDS).cause();
    assertThat(failure).isInstanceOf(ApiException.class);
    assertThat(((ApiException) failure).code()).isEqualTo(ErrorCode.AI_BUSY);
    assertThat(gate.waiting()).isZero();
    assertThat(gate.inFlight()).isEqualTo(1);
  }

  @Test
  void manyCallsEndingInAnyOrderLeakNothing() throws Exception {
    LlmGate gate = new LlmGate(vertx, 50, 2, 0);
    List<LlmGate.Permit> permits = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      Future<LlmGate.Permit> attempt = gate.acquire("user-" + i);
      if (attempt.succeeded()) {
        permits.add(attempt.result());
      } else {
        refused++;
      }
    }
    assertThat(permits).hasSize(50);
    assertThat(refused).isEqualTo(150);
    java.util.Collections.shuffle(permits, new java.util.Random(7));
    permits.forEach(LlmGate.Permit::close);
    assertThat(gate.inFlight()).isZero();
  }
}
