package chat.nexus.socketio.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The answers of a broadcast with acks across the cluster, counted as the reference server does:
 * done when every node (this one included) told how many clients it reached and that many acks came
 * in.
 */
final class AckCollector {

  private final Vertx vertx;
  private final Promise<List<JsonArray>> promise = Promise.promise();
  private final List<JsonArray> responses = new ArrayList<>();
  private final long timer;
  private int expectedNodes = -1;
  private int reportedNodes;
  private int expectedClients;

  AckCollector(Vertx vertx, long timeoutMs, Runnable onEnd) {
    this.vertx = vertx;
    this.timer =
        vertx.setTimer(
            timeoutMs,
            t -> {
              promise.tryFail(new TimeoutException("operation has timed out"));
              onEnd.run();
            });
    promise.future().onComplete(r -> onEnd.run());
  }

  Future<List<JsonArray>> future() {
    return promise.future();
  }

  synchronized void nodeCount(int nodes) {
    expectedNodes = nodes;
    check();
  }

  synchronized void clientCount(int clients) {
    reportedNodes++;
    expectedClients += clients;
    check();
  }

  synchronized void ack(JsonArray response) {
    responses.add(response);
    check();
  }

  private void check() {
    if (expectedNodes >= 0
        && reportedNodes >= expectedNodes
        && responses.size() >= expectedClients) {
      vertx.cancelTimer(timer);
      promise.tryComplete(new ArrayList<>(responses));
    }
  }
}
