package chat.nexus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Nginx;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nginx.conf with a node that restarts and one that drains: a restarted node gets new
 * websocket clients at once (nginx never marks a node down, max_fails=0), and while a node drains
 * the 503 it gives new sessions is passed on to the other node, so that its clients reconnect there
 * without an error.
 */
class NginxRestartTest {

  @TempDir Path workDir;

  @Test
  void aRestartedNodeGetsNewClientsAndADrainingOneSendsThemOn() throws Exception {
    try (TestRedis redis = new TestRedis();
        Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.putAll(redis.env());
      env.put("REDIS_ADAPTER_KEY", redis.prefix() + "adapter");
      env.put("REBALANCE", "off");
      env.put("TRUST_PROXY", "127.0.0.1");
      env.put("DRAIN_GRACE_MS", "1000");
      env.put("DRAIN_CLOSE_MS", "300");
      TestServer one = TestServer.start(Backend.H2, env);
      TestServer two = TestServer.start(Backend.H2, env);
      int twoPort = two.port();
      List<Client> clients = new ArrayList<>();
      try (Nginx nginx =
          Nginx.start(workDir, List.of("127.0.0.1:" + one.port(), "127.0.0.1:" + twoPort))) {
        String token = one.guest("Eve").getString("token");
        two.close();
        for (int i = 0; i < 4; i++) {
          clients.add(Client.connect(nginx.url(), token));
        }
        Map<String, String> samePort = new HashMap<>(env);
        samePort.put("PORT", Integer.toString(twoPort));
        two = TestServer.start(Backend.H2, samePort);
        for (int i = 0; i < 20; i++) {
          clients.add(Client.connect(nginx.url(), token));
        }
        int onTwo = two.chatServer().io().engine().clientsCount();
        System.out.printf(
            "after the restart: %d on node 1, %d on the restarted node%n",
            one.chatServer().io().engine().clientsCount(), onTwo);
        assertThat(onTwo).as("new clients on the restarted node").isGreaterThanOrEqualTo(8);

        // Java clients that reconnect, as browsers do
        List<io.socket.client.Socket> reconnecting = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          io.socket.client.IO.Options opts = Client.options(token);
          opts.reconnection = true;
          opts.reconnectionDelay = 100;
          opts.reconnectionDelayMax = 300;
          io.socket.client.Socket socket =
              io.socket.client.IO.socket(java.net.URI.create(nginx.url()), opts);
          socket.connect();
          reconnecting.add(socket);
        }
        Waits.untilTrue(
            () -> reconnecting.stream().allMatch(io.socket.client.Socket::connected),
            "the reconnecting clients to connect");
        one.chatServer().drain().start("test");
        Waits.get(one.chatServer().drain().stopped(), 60, "node 1 to drain");
        TestServer last = two;
        Waits.untilTrue(
            () ->
                reconnecting.stream().allMatch(io.socket.client.Socket::connected)
                    && last.chatServer().io().engine().clientsCount() >= onTwo + 6,
            "every reconnecting client on the other node");
        reconnecting.forEach(io.socket.client.Socket::close);
      } finally {
        clients.forEach(Client::close);
        one.close();
        two.close();
      }
    }
  }
}
