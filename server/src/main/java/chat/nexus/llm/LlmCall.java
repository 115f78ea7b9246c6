package chat.nexus.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * One streaming call as its caller sees it: tokens go to the sink, {@link #reply()} completes once,
 * and {@link #cancel()} (for example when the client disconnected) stops the work and resets the
 * upstream request. What was streamed so far stays readable after a failure ({@link
 * #streamedText()}). Thread-safe.
 */
public final class LlmCall {

  private final TokenSink sink;

  /** When the call was made, for the gateway's overhead timer. */
  final long createdNanos = System.nanoTime();

  private final Promise<LlmReply> promise = Promise.promise();
  private final StringBuilder streamed = new StringBuilder();
  private final List<Runnable> cancelActions = new ArrayList<>();
  private int tokens;
  private boolean cancelled;
  private boolean done;

  public LlmCall(TokenSink sink) {
    this.sink = sink;
  }

  /** A call that failed before it started (AI_BUSY and the like). */
  static LlmCall failed(Throwable cause) {
    LlmCall call = new LlmCall(TokenSink.NONE);
    call.fail(cause);
    return call;
  }

  public Future<LlmReply> reply() {
    return promise.future();
  }

  /**
   * Stops the call; the reply fails with {@link CancellationException}. Does nothing once it ended.
   */
  public void cancel() {
    List<Runnable> actions;
    synchronized (this) {
      if (cancelled || done) {
        return;
      }
      cancelled = true;
      done = true;
      actions = new ArrayList<>(cancelActions);
      cancelActions.clear();
    }
    promise.tryFail(new CancellationException("cancelled by the caller"));
    actions.forEach(Runnable::run);
  }

  public synchronized boolean isCancelled() {
    return cancelled;
  }

  public synchronized boolean isDone() {
    return done;
  }

  /** The text streamed to the sink so far (the partial reply after a broken stream). */
  public synchronized String streamedText() {
    return streamed.toString();
  }

  /** The number of deltas streamed to the sink so far. */
  public synchronized int tokenCount() {
    return tokens;
  }

  /** Runs {@code action} on cancel, or now when already cancelled. */
  void onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        cancelActions.add(action);
        return;
      }
    }
    action.run();
  }

  /** Passes a delta to the sink; false (and nothing passed) once the call ended. */
  boolean token(String delta) {
    synchronized (this) {
      if (done) {
        return false;
      }
      streamed.append(delta);
      tokens++;
    }
    sink.onToken(delta);
    return true;
  }

  void succeed(LlmReply reply) {
    if (finish()) {
      promise.tryComplete(reply);
    }
  }

  void fail(Throwable cause) {
    if (finish()) {
      promise.tryFail(cause);
    }
  }

  private synchronized boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    cancelActions.clear();
    return true;
  }
}
