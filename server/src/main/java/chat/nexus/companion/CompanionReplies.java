package chat.nexus.companion;

import chat.nexus.auth.Identity;
import chat.nexus.llm.TokenSink;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Runs companion turns against {@link CompanionStream}s, the one place that knows the order of the
 * protocol: the user message is admitted and stored (the returned future holds the turn, or says
 * why not: BAD_REQUEST, NOT_FOUND, AI_BUSY, or a CancellationException when the client left while
 * waiting for a slot); the stream is told the turn started, and a turn whose client has gone by
 * then is cancelled; the deltas go out once the stream is ready for them; and the stored reply or
 * the error ends it.
 */
final class CompanionReplies {

  /** How a user message is admitted and stored, and its reply begun: {@link CompanionService}. */
  @FunctionalInterface
  interface Admission {
    Future<CompanionTurn> message(
        Identity me, CompanionService.Ask ask, TokenSink sink, BooleanSupplier wanted);
  }

  private final Admission admission;

  CompanionReplies(CompanionService service) {
    this(service::message);
  }

  CompanionReplies(Admission admission) {
    this.admission = admission;
  }

  Future<CompanionTurn> run(CompanionStream stream, Identity me, CompanionService.Ask ask) {
    Deltas deltas = new Deltas(stream);
    return admission
        .message(me, ask, deltas, stream::open)
        .map(turn -> started(stream, deltas, turn));
  }

  private static CompanionTurn started(CompanionStream stream, Deltas deltas, CompanionTurn turn) {
    deltas.messageId = turn.userMessage().id();
    Future<Void> ready = stream.started(turn);
    if (!stream.open()) {
      turn.cancel(); // gone while the message was being stored
    }
    turn.reply().onComplete(done -> finished(stream, turn, done));
    ready.onSuccess(v -> turn.start());
    return turn;
  }

  private static void finished(
      CompanionStream stream, CompanionTurn turn, AsyncResult<CompanionMessage> done) {
    if (done.succeeded()) {
      stream.done(turn, done.result());
    } else if (!(done.cause() instanceof CancellationException)) {
      stream.failed(turn, done.cause()); // a cancelled turn's client is gone: nothing to say
    }
  }

  /** The deltas of one turn, tagged with its user message's id (known before the turn starts). */
  private static final class Deltas implements TokenSink {
    private final CompanionStream stream;
    private volatile long messageId;

    Deltas(CompanionStream stream) {
      this.stream = stream;
    }

    @Override
    public void onToken(String delta) {
      stream.token(messageId, delta);
    }
  }
}
