package chat.nexus.llm;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Bounds the LLM calls of this node: at most {@code maxConcurrent} in flight, at most {@code
 * maxPerUser} per user, and an optional short wait for a free slot; past that the caller gets
 * AI_BUSY with a Retry-After within a few milliseconds instead of queueing without end. Every
 * permit is given back once, whatever happens to the call (release is idempotent). Thread-safe.
 */
public final class LlmGate {

  /** At most this many callers wait for a slot, per slot; beyond it they are refused at once. */
  static final int WAITERS_PER_SLOT = 4;

  /** Retry-After bounds, in seconds. */
  static final long MIN_RETRY_AFTER_S = 1;

  static final long MAX_RETRY_AFTER_S = 30;

  /** Weight of the newest hold time in the moving average that sizes Retry-After. */
  private static final double HOLD_TIME_WEIGHT = 0.2;

  private static final double INITIAL_HOLD_MS = 2_000;

  private final Vertx vertx;
  private final int maxConcurrent;
  private final int maxPerUser;
  private final long queueTimeoutMs;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final Map<String, Integer> perUser = new HashMap<>();
  private int inFlight;
  private long rejected;
  private double averageHoldMs = INITIAL_HOLD_MS;

  private static final class Waiter {
    final String userId;
    final Promise<Permit> promise;
    long timerId = -1;

    Waiter(String userId, Promise<Permit> promise) {
      this.userId = userId;
      this.promise = promise;
    }
  }

  public LlmGate(Vertx vertx, int maxConcurrent, int maxPerUser, long queueTimeoutMs) {
    if (maxConcurrent <= 0 || maxPerUser <= 0 || queueTimeoutMs < 0) {
      throw new IllegalArgumentException(
          "maxConcurrent and maxPerUser must be positive, queueTimeoutMs not negative");
    }
    this.vertx = vertx;
    this.maxConcurrent = maxConcurrent;
    this.maxPerUser = maxPerUser;
    this.queueTimeoutMs = queueTimeoutMs;
  }

  /** A slot for one LLM call of this user, or AI_BUSY; only the {@link LlmGateway} takes them. */
  Future<Permit> acquire(String userId) {
    Waiter waiter;
    synchronized (this) {
      if (perUser.getOrDefault(userId, 0) >= maxPerUser) {
        rejected++;
        return Future.failedFuture(busy("you already have " + maxPerUser + " replies in progress"));
      }
      if (inFlight < maxConcurrent) {
        return Future.succeededFuture(grant(userId));
      }
      if (queueTimeoutMs == 0 || waiters.size() >= maxConcurrent * WAITERS_PER_SLOT) {
        rejected++;
        return Future.failedFuture(busy("all " + maxConcurrent + " AI slots are busy"));
      }
      waiter = new Waiter(userId, Promise.promise());
      waiters.addLast(waiter);
    }
    long timer = vertx.setTimer(queueTimeoutMs, id -> giveUp(waiter));
    synchronized (this) {
      waiter.timerId = timer;
    }
    return waiter.promise.future();
  }

  /** LLM_MAX_CONCURRENT: calls in flight at most; beyond it callers wait, then get AI_BUSY. */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int waiting() {
    return waiters.size();
  }

  public synchronized long rejected() {
    return rejected;
  }

  /** Seconds after which a refused caller may hope for a slot: about one average call. */
  public synchronized long retryAfterSeconds() {
    long seconds = (long) Math.ceil(averageHoldMs / 1000.0);
    return Math.max(MIN_RETRY_AFTER_S, Math.min(MAX_RETRY_AFTER_S, seconds));
  }

  private void giveUp(Waiter waiter) {
    synchronized (this) {
      if (!waiters.remove(waiter)) {
        return; // already granted
      }
      rejected++;
    }
    waiter.promise.tryFail(busy("no AI slot freed within " + queueTimeoutMs + " ms"));
  }

  /** Called with the lock held. */
  private Permit grant(String userId) {
    inFlight++;
    perUser.merge(userId, 1, Integer::sum);
    return new Permit(userId, System.nanoTime());
  }

  private void release(Permit permit) {
    Waiter next = null;
    Permit handed = null;
    synchronized (this) {
      inFlight--;
      perUser.computeIfPresent(permit.userId, (u, n) -> n <= 1 ? null : n - 1);
      double heldMs = (System.nanoTime() - permit.startedNanos) / 1e6;
      averageHoldMs = averageHoldMs + HOLD_TIME_WEIGHT * (heldMs - averageHoldMs);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter candidate = it.next();
        if (perUser.getOrDefault(candidate.userId, 0) < maxPerUser) {
          it.remove();
          next = candidate;
          handed = grant(candidate.userId);
          break;
        }
      }
    }
    if (next != null) {
      if (next.timerId >= 0) {
        vertx.cancelTimer(next.timerId);
      }
      if (!next.promise.tryComplete(handed)) {
        handed.close();
      }
    }
  }

  private ApiException busy(String message) {
    return new ApiException(ErrorCode.AI_BUSY, message, retryAfterSeconds());
  }

  /** One slot; close it exactly when the call ends (success, error, timeout or cancel). */
  final class Permit implements AutoCloseable {
    private final String userId;
    private final long startedNanos;
    private boolean released;

    private Permit(String userId, long startedNanos) {
      this.userId = userId;
      this.startedNanos = startedNanos;
    }

    /** Gives the slot back; later calls do nothing. */
    @Override
    public void close() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      release(this);
    }
  }
}
