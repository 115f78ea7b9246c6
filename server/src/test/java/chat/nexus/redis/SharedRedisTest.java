package chat.nexus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.TestRedis;
import chat.nexus.testing.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared client through a TCP relay to the real Redis that the test can cut: commands fail
 * while it is cut (up() says so), and the client and its subscriber come back by themselves once it
 * lets them through.
 */
class SharedRedisTest {

  /** A relay to 127.0.0.1:6379 whose connections can be dropped and refused. */
  static final class Relay {
    final NetServer server;
    final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    volatile boolean refusing;

    Relay(Vertx vertx) throws Exception {
      server =
          vertx
              .createNetServer()
              .connectHandler(
                  in -> {
                    if (refusing) {
                      in.close();
                      return;
                    }
                    in.pause();
                    vertx
                        .createNetClient()
                        .connect(6379, "127.0.0.1")
                        .onSuccess(
                            out -> {
                              open.add(in);
                              open.add(out);
                              // a connection accepted just before a cut connects after it:
                              // added first, then checked, so either cut() or this closes it
                              if (refusing) {
                                in.close();
                                out.close();
                                return;
                              }
                              in.handler(out::write);
                              out.handler(in::write);
                              in.closeHandler(v -> out.close());
                              out.closeHandler(v -> in.close());
                              in.resume();
                            })
                        .onFailure(e -> in.close());
                  });
      server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    }

    /** Drops every relayed connection and returns once they are closed, so nothing more passes. */
    void cut() throws Exception {
      refusing = true;
      List<Future<Void>> closing = open.stream().map(NetSocket::close).toList();
      open.clear();
      Future.join(closing).await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void commandsAndSubscriptionsComeBackAfterTheConnectionIsCut() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestRedis redis = new TestRedis()) {
      Relay relay = new Relay(vertx);
      SharedRedis shared =
          SharedRedis.create(
              vertx, "redis://127.0.0.1:" + relay.server.actualPort(), redis.prefix());
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      String channel = shared.key("news");
      shared.subscribe(channel, received::add);
      awaitTrue(
          () ->
              publish(shared, channel, "first")
                  && "first".equals(received.poll(100, TimeUnit.MILLISECONDS)));

      relay.cut();
      // a command the client wrote just before the cut may still be answered: the next ones fail;
      // a command failed at once (no connection) may be heard before the link marks itself down
      awaitTrue(() -> !succeeds(shared));
      awaitTrue(() -> !shared.up());

      relay.refusing = false;
      awaitTrue(() -> succeeds(shared));
      // up() also waits for the subscriber, which may reconnect a moment after the commands do
      awaitTrue(shared::up);
      awaitTrue(
          () ->
              publish(shared, channel, "again")
                  && "again".equals(received.poll(100, TimeUnit.MILLISECONDS)));
      shared.close();
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void scriptsAreLoadedOnceAndThenRunBySha() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestRedis redis = new TestRedis()) {
      SharedRedis shared = SharedRedis.create(vertx, TestRedis.URL, redis.prefix());
      RedisScript script =
          new RedisScript("return redis.call('INCR', KEYS[1]) -- " + redis.prefix());
      String key = shared.key("counter");
      assertThat(shared.eval(script, List.of(key), List.of()).await(5, TimeUnit.SECONDS).toLong())
          .isEqualTo(1);
      assertThat(
              redis
                  .send(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(script.sha1()))
                  .get(0)
                  .toLong())
          .isEqualTo(1);
      assertThat(shared.eval(script, List.of(key), List.of()).await(5, TimeUnit.SECONDS).toLong())
          .isEqualTo(2);
      shared.close();
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static boolean succeeds(SharedRedis shared) {
    try {
      shared.send(Request.cmd(Command.PING)).await(5, TimeUnit.SECONDS);
      return true;
    } catch (Throwable e) { // Redis error replies are Throwables, not Exceptions
      return false;
    }
  }

  private static boolean publish(SharedRedis shared, String channel, String message) {
    try {
      shared.publish(channel, message).await(5, TimeUnit.SECONDS);
      return true;
    } catch (Throwable e) { // Redis error replies are Throwables, not Exceptions
      return false;
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check) {
    Waits.untilTrue(check::ok, "the condition");
  }
}
