package chat.nexus.companion;

import chat.nexus.llm.LlmCall;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One user message being answered: the stored user message, the upstream call, and the stored
 * reply. Deltas reach the caller's sink (coalesced) only after {@link #start()}, so that the caller
 * can send its acknowledgement first; {@link #reply()} completes after the last delta went out.
 * {@link #cancel()} stops the upstream call (the reply then fails with a CancellationException and
 * nothing more is sent).
 */
public final class CompanionTurn {

  private final CompanionMessage userMessage;
  private final LlmCall call;
  private final TokenCoalescer tokens;
  private final Promise<Void> started = Promise.promise();
  private final Future<CompanionMessage> reply;

  CompanionTurn(
      CompanionMessage userMessage,
      LlmCall call,
      TokenCoalescer tokens,
      Future<CompanionMessage> storedReply) {
    this.userMessage = userMessage;
    this.call = call;
    this.tokens = tokens;
    this.reply =
        started
            .future()
            .compose(v -> storedReply)
            .transform(
                done -> {
                  if (done.succeeded()) {
                    tokens.flush();
                    tokens.close();
                    return Future.succeededFuture(done.result());
                  }
                  if (!(done.cause() instanceof java.util.concurrent.CancellationException)) {
                    tokens.flush();
                  }
                  tokens.close();
                  return Future.failedFuture(done.cause());
                });
  }

  /** The stored user message; its id is the turn's messageId in token, done and error events. */
  public CompanionMessage userMessage() {
    return userMessage;
  }

  public LlmCall call() {
    return call;
  }

  /** Lets the deltas out to the sink. */
  public void start() {
    tokens.start();
    started.tryComplete();
  }

  /**
   * The stored assistant reply; fails with the error (an ApiException) or a CancellationException.
   */
  public Future<CompanionMessage> reply() {
    return reply;
  }

  /** Stops the upstream call; nothing more is sent. */
  public void cancel() {
    tokens.close();
    call.cancel();
    started.tryComplete();
  }
}
