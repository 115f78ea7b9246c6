package chat.nexus.companion;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.auth.Identity;
import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.llm.LlmCall;
import chat.nexus.llm.TokenSink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of the companion protocol, driven against a stream that records what it is told (no
 * server, no network): started, the deltas once the stream is ready, then done or failed; nothing
 * for a turn whose client went away.
 */
class CompanionRepliesTest {

  private static final Identity ME = new Identity("u-1", "Ann", "s-1");
  private static final long MESSAGE_ID = 42;

  private static final CompanionService.Ask ASK =
      new CompanionService.Ask("mira", null, "hello", false);

  private final Vertx vertx = Vertx.vertx();

  /** What the admission was given and made: the sink and wanted of the driver, and the turn. */
  private TokenCoalescer tokens;

  private BooleanSupplier wanted;
  private LlmCall call;
  private final Promise<CompanionMessage> storedReply = Promise.promise();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static CompanionMessage message(long id, String role, String content) {
    return new CompanionMessage(id, ME.userId(), "mira", 1L, role, content, Instant.EPOCH, null, 0);
  }

  /** Admits every message at once, as the service does once it has a slot and stored it. */
  private Future<CompanionTurn> admit(
      Identity me, CompanionService.Ask ask, TokenSink sink, BooleanSupplier wanted) {
    this.wanted = wanted;
    // no coalescing interval: each delta goes out as it comes, once started
    tokens = new TokenCoalescer(vertx, 0, sink::onToken);
    call = new LlmCall(tokens::add);
    call.reply().onFailure(storedReply::tryFail); // a cancel fails the reply, as upstream
    CompanionMessage user = message(MESSAGE_ID, CompanionMessage.USER, (String) ask.text());
    return Future.succeededFuture(new CompanionTurn(user, call, tokens, storedReply.future()));
  }

  private Future<CompanionTurn> run(RecordingStream stream) {
    return new CompanionReplies(this::admit).run(stream, ME, ASK);
  }

  @Test
  void startedThenTheDeltasOnceReadyThenDone() {
    RecordingStream stream = new RecordingStream();
    Future<CompanionTurn> turn = run(stream);
    assertThat(turn.succeeded()).isTrue();
    assertThat(turn.result().userMessage().id()).isEqualTo(MESSAGE_ID);
    tokens.add("Hel");
    tokens.add("lo");
    assertThat(stream.seen).as("no delta before the stream is ready").containsExactly("started");
    stream.ready.complete();
    tokens.add(" there");
    storedReply.complete(message(43, CompanionMessage.ASSISTANT, "Hello there"));
    assertThat(stream.seen)
        .containsExactly("started", "token 42 Hello", "token 42  there", "done 42 43 Hello there");
  }

  @Test
  void aFailedReplyEndsTheStreamWithItsError() {
    RecordingStream stream = new RecordingStream();
    run(stream);
    stream.ready.complete();
    tokens.add("Hel");
    ApiException upstream = new ApiException(ErrorCode.AI_UPSTREAM, "the LLM stream broke");
    storedReply.fail(upstream);
    assertThat(stream.seen).containsExactly("started", "token 42 Hel", "failed 42 AI_UPSTREAM");
  }

  @Test
  void aClientGoneWhenTheTurnStartsCancelsItAndHearsNothingMore() {
    RecordingStream stream = new RecordingStream();
    stream.open = false; // left while the message was being stored
    run(stream);
    assertThat(call.isCancelled()).as("the upstream call is cancelled").isTrue();
    stream.ready.complete();
    tokens.add("late");
    assertThat(stream.seen).containsExactly("started");
  }

  @Test
  void aClientThatLeavesMidStreamIsCancelledAndHearsNothingMore() {
    RecordingStream stream = new RecordingStream();
    run(stream);
    stream.ready.complete();
    tokens.add("Hel");
    stream.open = false;
    stream.turn.cancel(); // what the stream's disconnect or close handler does
    tokens.add("lo");
    assertThat(call.isCancelled()).isTrue();
    assertThat(stream.seen).containsExactly("started", "token 42 Hel");
  }

  @Test
  void theAdmissionAsksTheStreamWhetherItsClientIsStillThere() {
    RecordingStream stream = new RecordingStream();
    run(stream);
    assertThat(wanted.getAsBoolean()).isTrue();
    stream.open = false;
    assertThat(wanted.getAsBoolean()).isFalse();
  }

  @Test
  void aRefusedMessageNeverStartsAStream() {
    RecordingStream stream = new RecordingStream();
    ApiException busy = new ApiException(ErrorCode.AI_BUSY, "all 1 AI slots are busy", 2L);
    Future<CompanionTurn> refused =
        new CompanionReplies((me, ask, sink, wanted) -> Future.failedFuture(busy))
            .run(stream, ME, ASK);
    assertThat(refused.cause()).isSameAs(busy);
    assertThat(stream.seen).isEmpty();
  }

  /** A client that records what it is told, in order. */
  private static final class RecordingStream implements CompanionStream {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final Promise<Void> ready = Promise.promise();
    volatile boolean open = true;
    CompanionTurn turn;

    @Override
    public boolean open() {
      return open;
    }

    @Override
    public Future<Void> started(CompanionTurn turn) {
      this.turn = turn;
      seen.add("started");
      return ready.future();
    }

    @Override
    public void token(long messageId, String delta) {
      seen.add("token " + messageId + " " + delta);
    }

    @Override
    public void done(CompanionTurn turn, CompanionMessage reply) {
      seen.add("done " + turn.userMessage().id() + " " + reply.id() + " " + reply.content());
    }

    @Override
    public void failed(CompanionTurn turn, Throwable cause) {
      seen.add("failed " + turn.userMessage().id() + " " + ((ApiException) cause).code());
    }
  }
}
