package chat.nexus;

import chat.nexus.observability.Metrics;
import chat.nexus.ops.DrainRoute;
import chat.nexus.ops.NodeDrain;
import chat.nexus.ops.Rebalancer;
import chat.nexus.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Optional;

/**
 * How this node hands clients to the other nodes: the drain when it leaves (SIGTERM, POST
 * /api/admin/drain), and rebalancing while it holds clearly more than its share (with REDIS_URL).
 * Wired in one place; {@link ChatServer} uses it.
 */
final class ClientMoves {

  private final NodeDrain drain;
  private final Optional<Rebalancer> rebalancer;
  private final String description;

  private ClientMoves(NodeDrain drain, Optional<Rebalancer> rebalancer, String description) {
    this.drain = drain;
    this.rebalancer = rebalancer;
    this.description = description;
  }

  /** Mounts the drain route on {@code router} and starts rebalancing when it is on. */
  static ClientMoves start(
      Vertx vertx,
      ServerConfig settings,
      Production production,
      SocketIoServer io,
      Metrics metrics,
      Router router,
      ChatServer server) {
    NodeDrain.Node node =
        new NodeDrain.Node(
            server::stopTakingClients, server::storeQueued, io.engine()::sessions, server::stop);
    NodeDrain drain = new NodeDrain(settings.drain(), node, metrics.registry());
    new DrainRoute(production.adminSignIn(), drain).mount(router);
    Optional<Rebalancer> rebalancer =
        production
            .redis()
            .filter(r -> settings.rebalance().enabled())
            .map(
                r ->
                    Rebalancer.start(
                        vertx,
                        r,
                        production.nodeId(),
                        io.engine(),
                        settings.rebalance(),
                        () -> !drain.draining(),
                        metrics.registry()));
    String description =
        "drain: "
            + settings.drain().graceMs()
            + " ms grace, sockets closed over "
            + settings.drain().closeMs()
            + " ms; rebalancing: "
            + (production.redis().isPresent()
                ? settings.rebalance().description()
                : "off (no REDIS_URL)");
    return new ClientMoves(drain, rebalancer, description);
  }

  NodeDrain drain() {
    return drain;
  }

  /** Tells the other nodes that this one takes no new clients. */
  void leaving() {
    rebalancer.ifPresent(Rebalancer::leaving);
  }

  Future<Void> close() {
    return rebalancer.map(Rebalancer::close).orElse(Future.succeededFuture());
  }

  /** For the start-up log. */
  String description() {
    return description;
  }
}
