package chat.nexus.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP balancer for tests, as a cloud load balancer or a Kubernetes Service behaves: each new
 * connection goes to the next node, in turn, among those whose /ready answered 200 at the last
 * probe (every {@link #PROBE_MS}); bytes are piped both ways until either side closes. Nodes are
 * added and removed by port while it runs.
 */
public final class RoundRobinProxy implements AutoCloseable {

  static final long PROBE_MS = 100;

  private final Vertx vertx = Vertx.vertx();
  private final NetClient net = vertx.createNetClient();
  private final HttpClient http = vertx.createHttpClient();
  private final List<Integer> nodes = new CopyOnWriteArrayList<>();
  private volatile List<Integer> ready = List.of();
  private final AtomicInteger next = new AtomicInteger();
  private final NetServer server;
  private volatile boolean closed;

  public RoundRobinProxy() {
    server = vertx.createNetServer().connectHandler(this::accept);
    try {
      server.listen(0, "127.0.0.1").await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the proxy did not start", e);
    }
    vertx.setPeriodic(PROBE_MS, id -> probe());
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void add(int port) {
    nodes.add(port);
  }

  public void remove(int port) {
    nodes.remove(Integer.valueOf(port));
  }

  /** The nodes whose /ready answered 200 at the last probe. */
  public Set<Integer> ready() {
    return Set.copyOf(ready);
  }

  private void probe() {
    if (closed) {
      return;
    }
    List<Future<Integer>> answers =
        nodes.stream()
            .map(
                port ->
                    http.request(HttpMethod.GET, port, "127.0.0.1", "/ready")
                        .compose(r -> r.send())
                        .map(r -> r.statusCode() == 200 ? port : -1)
                        .otherwise(-1))
            .toList();
    Future.all(answers)
        .onSuccess(
            all -> ready = answers.stream().map(Future::result).filter(port -> port > 0).toList());
  }

  private void accept(NetSocket client) {
    client.pause();
    List<Integer> choices = ready;
    if (choices.isEmpty()) {
      client.close();
      return;
    }
    int port = choices.get(Math.floorMod(next.getAndIncrement(), choices.size()));
    net.connect(port, "127.0.0.1")
        .onComplete(
            connected -> {
              if (connected.failed()) {
                client.close();
                return;
              }
              NetSocket node = connected.result();
              client.pipeTo(node);
              node.pipeTo(client);
            });
  }

  @Override
  public void close() {
    closed = true;
    vertx.close().await();
  }
}
