package chat.nexus.http;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listens on one port with several HTTP server instances, one per event loop: Vert.x spreads the
 * accepted connections over them. One event loop tops out near 100,000 deliveries/s, so a chat node
 * wants one per core.
 */
public final class HttpListeners {

  private final String deploymentId;
  private final List<HttpServer> servers;
  private final List<Context> loops;

  private HttpListeners(String deploymentId, List<HttpServer> servers, List<Context> loops) {
    this.deploymentId = deploymentId;
    this.servers = List.copyOf(servers);
    this.loops = List.copyOf(loops);
  }

  /** Starts {@code instances} servers on options' host and port; completes when all listen. */
  public static Future<HttpListeners> start(
      Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler, int instances) {
    return start(vertx, options, handler, connection -> {}, instances);
  }

  /**
   * The same, with {@code connections} called for each accepted connection (see {@link
   * ConnectionGuard}).
   */
  public static Future<HttpListeners> start(
      Vertx vertx,
      HttpServerOptions options,
      Handler<HttpServerRequest> handler,
      Handler<HttpConnection> connections,
      int instances) {
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    List<Context> loops = new CopyOnWriteArrayList<>();
    DeploymentOptions deployment = new DeploymentOptions().setInstances(instances);
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    loops.add(context);
                    return vertx
                        .createHttpServer(options)
                        .connectionHandler(connections)
                        .requestHandler(handler)
                        .listen()
                        .onSuccess(servers::add);
                  }
                },
            deployment)
        .map(id -> new HttpListeners(id, servers, loops));
  }

  /**
   * Completes once each listener's event loop has run what was queued on it before this call: the
   * connections' work (acks, writes, closes) runs on these loops, so shutdown waits here for it.
   */
  public Future<Void> queuedWorkDone() {
    List<Future<Void>> done = new ArrayList<>(loops.size());
    for (Context loop : loops) {
      Promise<Void> ran = Promise.promise();
      loop.runOnContext(v -> ran.complete());
      done.add(ran.future());
    }
    return Future.join(done).mapEmpty();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return servers.get(0).actualPort();
  }

  /** Stops accepting connections; open connections are closed with the servers. */
  public Future<Void> close(Vertx vertx) {
    Promise<Void> promise = Promise.promise();
    vertx.undeploy(deploymentId).onComplete(promise);
    return promise.future();
  }
}
