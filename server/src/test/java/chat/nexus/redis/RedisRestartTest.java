package chat.nexus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.SocketIoOptions;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.socketio.redis.RedisAdapterFactory;
import chat.nexus.socketio.redis.RedisAdapterOptions;
import chat.nexus.socketio.redis.RedisProcess;
import chat.nexus.socketio.redis.ResettingProxy;
import chat.nexus.testing.Waits;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes in one process, each with the server's shared Redis and the Socket.IO Redis adapter, on
 * a redis-server of the test's own. After Redis is killed and started again (empty: it knows no
 * subscriber), or after every connection to it is reset, messages reach both kinds of subscription
 * on the other node again, though nobody subscribed anew: the shared Redis and the adapter each
 * subscribe again by themselves.
 */
class RedisRestartTest {

  private static final String CHANNEL = "news";
  private static final String EVENT = "node-news";

  /** How long one try waits for its message before the next try sends another. */
  private static final long TRY_MS = 200;

  @TempDir Path dir;

  /** One node: its shared Redis, its adapter, and what reached each from the other node. */
  private static final class Node implements AutoCloseable {
    final String name;
    final Vertx vertx = Vertx.vertx();
    final SharedRedis shared;
    final RedisAdapterFactory adapter;
    final SocketIoServer io;
    final BlockingQueue<String> sharedMessages = new LinkedBlockingQueue<>();
    final BlockingQueue<String> adapterMessages = new LinkedBlockingQueue<>();

    Node(String name, String url) {
      this.name = name;
      shared = SharedRedis.create(vertx, url, "restart:");
      // a node hears its own publishes on the shared channel too: only the other's are kept
      shared.subscribe(
          shared.key(CHANNEL),
          message -> {
            if (!message.startsWith(name + ":")) {
              sharedMessages.add(message.substring(message.indexOf(':') + 1));
            }
          });
      adapter =
          RedisAdapterFactory.create(
              vertx,
              RedisAdapterOptions.builder(url).key("restart").reconnectDelayMs(50, 500).build());
      io = SocketIoServer.create(vertx, SocketIoOptions.builder().adapterFactory(adapter).build());
      // args are [event, text]
      io.sockets().onServerSideEmit(EVENT, args -> adapterMessages.add(args.getString(1)));
    }

    /** Both up: connections open and every subscription confirmed by Redis. */
    boolean up() {
      return shared.up() && adapter.isUp();
    }

    boolean down() {
      return !shared.up() && !adapter.isUp();
    }

    void publishShared(String text) throws Exception {
      shared
          .publish(shared.key(CHANNEL), name + ":" + text)
          .await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
    }

    void emitToOtherNodes(String text) {
      io.sockets().serverSideEmit(EVENT, text);
    }

    @Override
    public void close() throws Exception {
      io.close().await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
      adapter.closeAsync().await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
      shared.close().await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
      vertx.close().await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  @Test
  void bothSubscribeAgainAfterARedisRestart() throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir);
        Node one = new Node("one", redis.url());
        Node two = new Node("two", redis.url())) {
      Waits.until(() -> one.up() && two.up() ? true : null, "both nodes up");
      send(one, "before");
      assertHeard(two, "before");

      redis.kill();
      Waits.until(() -> one.down() && two.down() ? true : null, "both nodes to see Redis down");

      redis.startAgain();
      Waits.until(() -> one.up() && two.up() ? true : null, "both nodes up again");
      send(one, "after");
      assertHeard(two, "after");
      send(two, "back");
      assertHeard(one, "back");
    }
  }

  /**
   * Reset (RST) connections: Vert.x's Redis client reports an error and, with assertions on, never
   * calls the end handler; the subscriber connections must be replaced all the same.
   */
  @Test
  void bothSubscribeAgainAfterTheirConnectionsAreReset() throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir);
        ResettingProxy proxy = new ResettingProxy(redis.port());
        Node one = new Node("one", proxy.url());
        Node two = new Node("two", proxy.url())) {
      Waits.until(() -> one.up() && two.up() ? true : null, "both nodes up");
      proxy.resetAll();
      // Nothing published from now on can reach a subscriber connection of before the reset.
      untilHeard(() -> one.publishShared("after reset"), two.sharedMessages, "after reset");
      untilHeard(() -> one.emitToOtherNodes("after reset"), two.adapterMessages, "after reset");
      untilHeard(() -> two.publishShared("back"), one.sharedMessages, "back");
      untilHeard(() -> two.emitToOtherNodes("back"), one.adapterMessages, "back");
    }
  }

  private static void send(Node from, String text) throws Exception {
    from.publishShared(text);
    from.emitToOtherNodes(text);
  }

  private static void assertHeard(Node node, String text) throws InterruptedException {
    assertThat(node.sharedMessages.poll(Waits.TIMEOUT_S, TimeUnit.SECONDS))
        .as("through the shared Redis")
        .isEqualTo(text);
    assertThat(node.adapterMessages.poll(Waits.TIMEOUT_S, TimeUnit.SECONDS))
        .as("through the adapter")
        .isEqualTo(text);
  }

  interface Send {
    void run() throws Exception;
  }

  /** Sends again and again (a send may fail or be lost while the links reconnect) until heard. */
  private static void untilHeard(Send send, BlockingQueue<String> heard, String text) {
    Waits.until(
        () -> {
          try {
            send.run();
          } catch (Exception e) { // lost with the connection it was sent on: try again
          }
          try {
            return text.equals(heard.poll(TRY_MS, TimeUnit.MILLISECONDS)) ? true : null;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
          }
        },
        text + " heard");
  }
}
