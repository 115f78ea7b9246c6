package chat.nexus.socketio.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The requests this node asked the other nodes and waits for answers to (fetchSockets, server-side
 * events with acks), each with its timeout, and at most maxPendingRequests at once.
 */
final class NodeRequests {

  /** The message of a request that timed out, from the answers received and expected. */
  interface TimeoutMessage {
    String text(int received, int expected);
  }

  /** A request waiting for other nodes' answers; called with each answer, and once on timeout. */
  private interface PendingRequest {
    void onResponse(JsonObject response);

    void onTimeout();
  }

  private final Vertx vertx;
  private final int maxPending;
  private final ConcurrentHashMap<String, PendingRequest> pending = new ConcurrentHashMap<>();

  NodeRequests(Vertx vertx, int maxPending) {
    this.vertx = vertx;
    this.maxPending = maxPending;
  }

  /** socket.io-adapter's message for a request that timed out. */
  static String onlyReceived(int received, int expected) {
    return "timeout reached: only " + received + " responses received out of " + expected;
  }

  /**
   * Publishes a request under {@code requestId} and gathers the answers of {@code expected} nodes
   * after this node's own ({@code local}): done when each answered, failed on timeout, and just
   * {@code local} when the request cannot be published.
   */
  <T> Future<List<T>> gather(
      String requestId,
      int expected,
      List<T> local,
      long timeoutMs,
      TimeoutMessage timeoutMessage,
      Function<String, Future<Void>> publish,
      BiConsumer<JsonObject, List<T>> addAnswer) {
    Promise<List<T>> promise = Promise.promise();
    List<T> gathered = new ArrayList<>(local);
    int[] answers = {0};
    boolean registered =
        register(
            requestId,
            new PendingRequest() {
              @Override
              public void onResponse(JsonObject response) {
                synchronized (gathered) {
                  answers[0]++;
                  addAnswer.accept(response, gathered);
                  if (answers[0] >= expected) {
                    pending.remove(requestId);
                    promise.tryComplete(new ArrayList<>(gathered));
                  }
                }
              }

              @Override
              public void onTimeout() {
                synchronized (gathered) {
                  promise.tryFail(new TimeoutException(timeoutMessage.text(answers[0], expected)));
                }
              }
            },
            timeoutMs);
    if (!registered) {
      return Future.failedFuture("too many cluster requests waiting");
    }
    publish
        .apply(requestId)
        .onFailure(
            e -> {
              pending.remove(requestId);
              promise.tryComplete(local);
            });
    return promise.future();
  }

  /** Registers a request with its timeout; false when too many are waiting already. */
  private boolean register(String requestId, PendingRequest request, long timeoutMs) {
    if (pending.size() >= maxPending) {
      return false;
    }
    pending.put(requestId, request);
    vertx.setTimer(
        timeoutMs,
        t -> {
          PendingRequest expired = pending.remove(requestId);
          if (expired != null) {
            expired.onTimeout();
          }
        });
    return true;
  }

  /** A node's answer to a request this node waits for; ignored when it waits no more. */
  void answerReceived(String requestId, JsonObject answer) {
    PendingRequest request = pending.get(requestId);
    if (request != null) {
      request.onResponse(answer);
    }
  }
}
