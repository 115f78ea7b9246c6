package chat.nexus.companion;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Merges streamed deltas so that a client gets at most one token event per {@code intervalMs}: the
 * first delta after a quiet interval goes out at once, later ones wait for the interval to end and
 * go out together. Nothing goes out before {@link #start()} (the ack is sent first), nor after
 * {@link #close()}. Thread-safe; {@code emit} runs under the lock, so events keep their order
 * across threads.
 */
public final class TokenCoalescer {

  private final Vertx vertx;
  private final long intervalMs;
  private final Consumer<String> emit;
  private final StringBuilder pending = new StringBuilder();
  private long lastEmitNanos;
  private long timer = -1;
  private boolean started;
  private boolean closed;

  public TokenCoalescer(Vertx vertx, long intervalMs, Consumer<String> emit) {
    this.vertx = vertx;
    this.intervalMs = intervalMs;
    this.emit = emit;
  }

  public synchronized void add(String delta) {
    if (closed || delta == null || delta.isEmpty()) {
      return;
    }
    pending.append(delta);
    if (!started || timer >= 0) {
      return;
    }
    long waitMs = intervalMs - (System.nanoTime() - lastEmitNanos) / 1_000_000;
    if (lastEmitNanos == 0 || waitMs <= 0) {
      emitPending();
    } else {
      timer = vertx.setTimer(waitMs, id -> onTimer());
    }
  }

  private synchronized void onTimer() {
    timer = -1;
    if (!closed) {
      emitPending();
    }
  }

  /** Lets deltas out (what is buffered goes at once). */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    if (!closed && pending.length() > 0) {
      emitPending();
    }
  }

  /** Sends what is buffered now (before done or error). */
  public synchronized void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (started && !closed && pending.length() > 0) {
      emitPending();
    }
  }

  /** Nothing more goes out. */
  public synchronized void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    pending.setLength(0);
  }

  private void emitPending() {
    String text = pending.toString();
    pending.setLength(0);
    lastEmitNanos = System.nanoTime() | 1;
    emit.accept(text);
  }
}
