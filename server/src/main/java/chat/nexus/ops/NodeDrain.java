package chat.nexus.ops;

import chat.nexus.engineio.EngineSocket;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node leaving the cluster (SIGTERM or POST /api/admin/drain), in this order: /ready answers 503
 * and new clients are refused for DRAIN_GRACE_MS while the open sockets are served as before, so
 * that balancers stop sending clients here; then messages are no longer taken (senders get
 * UNAVAILABLE with retryAfter) and every queued one is stored and acknowledged; then the sockets
 * are closed in waves over DRAIN_CLOSE_MS, as a shutting-down server closes them (an Engine.IO
 * close, never a Socket.IO DISCONNECT, after which official clients would not reconnect), so that
 * clients reconnect to the other nodes a few at a time; then the node stops.
 *
 * <p>Started once; later starts join the drain in progress.
 */
public final class NodeDrain {

  private static final Logger LOG = LoggerFactory.getLogger(NodeDrain.class);

  /** Time between two waves of closes: DRAIN_CLOSE_MS / this many waves, at least one. */
  static final long WAVE_MS = 250;

  /** A step that may wait. */
  public interface Step {
    void run() throws InterruptedException;
  }

  /**
   * The steps of a drain on the node (the chat server provides them).
   *
   * @param stopTakingClients /ready answers 503 from now on, and new Engine.IO sessions are refused
   * @param storeQueued takes no more messages; returns once the queued ones are stored and
   *     acknowledged
   * @param sessions the open Engine.IO sessions
   * @param stop stops the rest (listeners, pools, Vert.x)
   */
  public record Node(
      Step stopTakingClients,
      Step storeQueued,
      Supplier<Collection<EngineSocket>> sessions,
      Step stop) {}

  private final DrainOptions options;
  private final Node node;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CompletableFuture<Void> socketsClosed = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean draining;

  public NodeDrain(DrainOptions options, Node node, MeterRegistry registry) {
    this.options = options;
    this.node = node;
    Gauge.builder("nexus.draining", this, d -> d.draining ? 1 : 0)
        .description("1 while this node drains (SIGTERM or POST /api/admin/drain), else 0")
        .register(registry);
  }

  public DrainOptions options() {
    return options;
  }

  /** Whether a drain has begun. */
  public boolean draining() {
    return draining;
  }

  /**
   * Begins the drain, unless it has begun already, on a thread of its own.
   *
   * @param cause for the log: what asked for it
   * @return completes once every socket is closed
   */
  public CompletableFuture<Void> start(String cause) {
    if (started.compareAndSet(false, true)) {
      draining = true;
      Thread thread = new Thread(() -> run(cause), "nexus-drain");
      thread.setDaemon(false);
      thread.start();
    }
    return socketsClosed;
  }

  /** Completes once the node has stopped after a drain. */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  private void run(String cause) {
    try {
      LOG.info(
          "draining ({}): /ready answers 503 and new clients are refused for {} ms; open sockets are served meanwhile",
          cause,
          options.graceMs());
      node.stopTakingClients().run();
      Thread.sleep(options.graceMs());
      node.storeQueued().run();
      int closed = closeInWaves();
      LOG.info("draining: {} sockets closed; stopping", closed);
      socketsClosed.complete(null);
      node.stop().run();
      stopped.complete(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      socketsClosed.completeExceptionally(e);
      stopped.completeExceptionally(e);
    } catch (RuntimeException | Error e) {
      LOG.error("draining failed", e);
      socketsClosed.completeExceptionally(e);
      stopped.completeExceptionally(e);
    }
  }

  /** Closes every session, an equal part of those left in each wave; returns how many. */
  private int closeInWaves() throws InterruptedException {
    long waves = Math.max(1, options.closeMs() / WAVE_MS);
    long pause = options.closeMs() / waves;
    Set<EngineSocket> asked = Collections.newSetFromMap(new IdentityHashMap<>());
    for (long wave = 0; wave < waves; wave++) {
      // a session closes on its own event loop: one asked in an earlier wave may not be closed yet
      List<EngineSocket> open =
          node.sessions().get().stream().filter(s -> !s.isClosed() && !asked.contains(s)).toList();
      if (open.isEmpty()) {
        break;
      }
      int count = (int) Math.ceil(open.size() / (double) (waves - wave));
      for (EngineSocket session : open.subList(0, count)) {
        session.close(EngineSocket.SERVER_SHUTTING_DOWN);
        asked.add(session);
      }
      if (wave + 1 < waves) {
        Thread.sleep(pause);
      }
    }
    return asked.size();
  }
}
