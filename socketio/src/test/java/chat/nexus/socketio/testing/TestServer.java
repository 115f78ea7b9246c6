package chat.nexus.socketio.testing;

import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts a real Socket.IO server on 127.0.0.1, on one free port shared by an HTTP server instance
 * per event loop, and always stops it ({@link #close()} in try-with-resources or an AfterAll).
 */
public final class TestServer implements AutoCloseable {

  private static final long START_TIMEOUT_S = 20;
  private static final int SHARED_RANDOM_PORT = -1;

  private final Vertx vertx;
  private final SocketIoServer io;
  private final int port;

  private TestServer(Vertx vertx, SocketIoServer io, int port) {
    this.vertx = vertx;
    this.io = io;
    this.port = port;
  }

  /** Starts a server with these options; {@code setup} registers namespaces and handlers first. */
  public static TestServer start(SocketIoOptions options, Consumer<SocketIoServer> setup) {
    return start(options, setup, 2);
  }

  public static TestServer start(
      SocketIoOptions options, Consumer<SocketIoServer> setup, int eventLoops) {
    return start(newVertx(eventLoops), options, setup, eventLoops);
  }

  public static Vertx newVertx(int eventLoops) {
    return Vertx.vertx(
        new VertxOptions()
            .setPreferNativeTransport(true)
            .setEventLoopPoolSize(Math.max(2, eventLoops)));
  }

  /**
   * On a Vert.x instance made by the caller (who may need it for the options, e.g. a cluster
   * adapter).
   */
  public static TestServer start(
      Vertx vertx, SocketIoOptions options, Consumer<SocketIoServer> setup, int eventLoops) {
    SocketIoServer io = SocketIoServer.create(vertx, options);
    setup.accept(io);
    // Port -1, not 0: with port 0 every instance binds its own random port (Vert.x shares a socket
    // only
    // between servers with the same host and port), while a negative port means "a random port,
    // shared
    // by every server that asks for this same negative port", so all instances accept on one port.
    HttpServerOptions http =
        SocketIoServer.httpServerOptions(
            options, new HttpServerOptions().setHost("127.0.0.1").setPort(SHARED_RANDOM_PORT));
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    try {
      vertx
          .deployVerticle(
              () ->
                  new VerticleBase() {
                    @Override
                    public Future<?> start() {
                      return vertx
                          .createHttpServer(http)
                          .requestHandler(
                              io.requestHandler(
                                  request -> request.response().setStatusCode(404).end()))
                          .listen()
                          .onSuccess(servers::add);
                    }
                  },
              new DeploymentOptions().setInstances(eventLoops))
          .await(START_TIMEOUT_S, TimeUnit.SECONDS);
      List<Integer> ports = servers.stream().map(HttpServer::actualPort).distinct().toList();
      if (ports.size() != 1 || ports.get(0) <= 0) {
        throw new IllegalStateException("the server instances do not share one port: " + ports);
      }
      return new TestServer(vertx, io, ports.get(0));
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("test server did not start", e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public SocketIoServer io() {
    return io;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    try {
      vertx.close().await(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test server did not stop", e);
    }
  }
}
