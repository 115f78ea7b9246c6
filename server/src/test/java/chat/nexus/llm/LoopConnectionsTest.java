package chat.nexus.llm;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Waits;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loop's own upstream connections against a real HTTP server: kept, reused at once, dropped when
 * spoilt.
 */
class LoopConnectionsTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<Integer> ports = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private HttpClientAgent http;
  private Context loop;
  private LoopConnections connections;

  @BeforeEach
  void start() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  ports.add(request.remoteAddress().port());
                  switch (request.path()) {
                    case "/close" -> request.response().putHeader("Connection", "close").end("bye");
                    case "/hang" -> {} // never answers
                    default -> request.response().end("ok");
                  }
                });
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    http = vertx.createHttpClient();
    loop = vertx.getOrCreateContext();
    connections =
        new LoopConnections(
            http,
            LoopConnections.target("http://127.0.0.1:" + server.actualPort() + "/v1", 5_000),
            3);
  }

  @AfterEach
  void stop() throws Exception {
    onLoop(
        () -> {
          connections.close();
          return null;
        });
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anIdleConnectionGivesItsRequestInTheSameTask() {
    assertThat(get("/ok")).isEqualTo("ok");
    Boolean createdAtOnce = onLoop(() -> connections.request(options("/ok")).isComplete());
    assertThat(createdAtOnce).as("no hop through the event loop's task queue").isTrue();
  }

  @Test
  void connectionsAreKeptAndReused() {
    get("/ok");
    get("/ok");
    get("/ok");
    assertThat(ports).hasSize(3);
    assertThat(Set.copyOf(ports)).as("one connection for sequential calls").hasSize(1);
    assertThat(onLoop(connections::openCount)).isEqualTo(1);
  }

  @Test
  void aConnectionTheUpstreamClosesIsNotUsedAgain() {
    assertThat(get("/close")).isEqualTo("bye");
    Waits.until(
        () -> onLoop(connections::openCount) == 0 ? true : null, "the closed connection to leave");
    get("/ok");
    assertThat(ports.get(1)).isNotEqualTo(ports.get(0));
  }

  @Test
  void aResetRequestClosesItsConnection() {
    CompletableFuture<HttpClientRequest> sent = new CompletableFuture<>();
    loop.runOnContext(
        v ->
            connections
                .request(options("/hang"))
                .onSuccess(
                    req -> {
                      req.send();
                      sent.complete(req);
                    }));
    HttpClientRequest hanging = Waits.get(sent, "the request");
    Waits.until(() -> ports.size() == 1 ? true : null, "the request to arrive");
    onLoop(() -> hanging.reset());
    Waits.until(
        () -> onLoop(connections::openCount) == 0 ? true : null, "the reset connection to close");
    assertThat(get("/ok")).isEqualTo("ok");
    assertThat(ports.get(1)).as("a new connection").isNotEqualTo(ports.get(0));
  }

  @Test
  void noMoreThanMaxConnectionsAreOpened() {
    for (int i = 0; i < 3; i++) {
      loop.runOnContext(
          v -> connections.request(options("/hang")).onSuccess(HttpClientRequest::send));
    }
    Waits.until(() -> ports.size() == 3 ? true : null, "three hanging requests");
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    loop.runOnContext(
        v -> connections.request(options("/ok")).onComplete(ar -> refused.complete(ar.cause())));
    assertThat(Waits.get(refused, "the fourth request").getMessage())
        .isEqualTo("already 3 upstream connections open on this event loop");
  }

  @Test
  void httpsUpstreamsAreReachedOverTlsWithTheHostVerified() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    HttpServer tls =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(certificate.keyCertOptions()))
            .requestHandler(request -> request.response().end("secure " + request.isSSL()));
    tls.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    HttpClientAgent trusting =
        vertx.createHttpClient(new HttpClientOptions().setTrustOptions(certificate.trustOptions()));
    String base = "https://localhost:" + tls.actualPort();
    LoopConnections secure =
        new LoopConnections(trusting, LoopConnections.target(base + "/v1", 5_000), 1);
    CompletableFuture<String> body = new CompletableFuture<>();
    loop.runOnContext(
        v ->
            secure
                .request(new RequestOptions().setAbsoluteURI(base + "/v1/models"))
                .compose(HttpClientRequest::send)
                .compose(HttpClientResponse::body)
                .onComplete(
                    ar ->
                        body.complete(
                            ar.succeeded() ? ar.result().toString() : ar.cause().toString())));
    assertThat(Waits.get(body, "GET over TLS")).isEqualTo("secure true");
    onLoop(
        () -> {
          secure.close();
          return null;
        });
  }

  @Test
  void theTargetComesFromTheBaseUrl() {
    assertThat(LoopConnections.target("https://api.venice.ai/api/v1", 1000).getPort())
        .isEqualTo(443);
    assertThat(LoopConnections.target("https://api.venice.ai/api/v1", 1000).isSsl()).isTrue();
    assertThat(LoopConnections.target("http://localhost:8080/v1", 1000).getPort()).isEqualTo(8080);
    assertThat(LoopConnections.target("http://localhost/v1", 1000).getHost())
        .isEqualTo("localhost");
    assertThat(LoopConnections.target("http://localhost/v1", 1000).getPort()).isEqualTo(80);
  }

  private RequestOptions options(String path) {
    return new RequestOptions().setAbsoluteURI("http://127.0.0.1:" + server.actualPort() + path);
  }

  /** GET on the loop's connections; the body. */
  private String get(String path) {
    CompletableFuture<String> body = new CompletableFuture<>();
    loop.runOnContext(
        v ->
            connections
                .request(options(path))
                .compose(HttpClientRequest::send)
                .compose(HttpClientResponse::body)
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        body.complete(ar.result().toString());
                      } else {
                        body.completeExceptionally(ar.cause());
                      }
                    }));
    return Waits.get(body, "GET " + path);
  }

  private <T> T onLoop(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(
        v -> {
          try {
            result.complete(work.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return Waits.get(result, "work on the loop");
  }
}
