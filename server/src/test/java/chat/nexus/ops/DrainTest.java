package chat.nexus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.RoundRobinProxy;
import chat.nexus.testing.SendingClients;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A node drained through POST /api/admin/drain behind a balancer that follows /ready: it says "not
 * ready" first while its clients are served as before, then closes its sockets in waves; the
 * official Java clients reconnect through the balancer to the other node, and every message that
 * was acknowledged is stored.
 */
class DrainTest {

  static final String PASSWORD = "drain-test-password-0123";

  private static int deleteCharacter(TestServer server, String authorization) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + "/api/characters/demo-mira"))
            .header("Authorization", authorization)
            .DELETE()
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static Rest.Response postDrain(TestServer server, String path, String authorization) {
    Map<String, String> headers =
        authorization == null ? Map.of() : Map.of("Authorization", authorization);
    return server.rest().postRaw(path, null, "", null, headers);
  }

  @Test
  void clientsOfADrainingNodeReconnectToTheOtherAndNothingAcknowledgedIsLost() throws Exception {
    String room = "drain-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestRedis redis = new TestRedis();
        Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new HashMap<>(db.env());
      env.putAll(redis.env());
      env.put("REDIS_ADAPTER_KEY", redis.prefix() + "adapter");
      env.put("ADMIN_PASSWORD", PASSWORD);
      env.put("DRAIN_GRACE_MS", "1500");
      env.put("DRAIN_CLOSE_MS", "1000");
      env.put("REBALANCE", "off");
      try (TestServer one = TestServer.start(Backend.H2, env);
          TestServer two = TestServer.start(Backend.H2, env);
          RoundRobinProxy proxy = new RoundRobinProxy()) {
        proxy.add(one.port());
        proxy.add(two.port());
        Waits.untilTrue(() -> proxy.ready().size() == 2, "both nodes ready at the balancer");
        List<String> tokens =
            List.of(
                one.guest("Ann").getString("token"),
                one.guest("Bob").getString("token"),
                two.guest("Cid").getString("token"));
        long connecting = System.nanoTime();
        try (SendingClients clients = new SendingClients(proxy.url(), tokens, 20, room, 100)) {
          System.out.printf(
              "20 clients connected in %d ms%n", (System.nanoTime() - connecting) / 1_000_000);
          int onOne = one.chatServer().io().engine().clientsCount();
          assertThat(onOne).as("the balancer spread the clients").isBetween(5, 15);

          CompletableFuture<Rest.Response> drained =
              CompletableFuture.supplyAsync(
                  () -> postDrain(one, "/api/admin/drain?wait=true", basic("admin", PASSWORD)));
          Waits.untilTrue(() -> one.rest().get("/ready").status() == 503, "/ready to answer 503");
          assertThat(one.rest().get("/metrics").body()).contains("nexus_draining 1.0");
          int ackedAtStart = clients.acked().size();
          Waits.untilTrue(
              () -> clients.acked().size() > ackedAtStart + 40,
              "acks to go on during the grace period");

          Rest.Response answer = Waits.get(drained, 30, "the drain to close the sockets");
          assertThat(answer.status()).as("%s", answer).isEqualTo(200);
          assertThat(answer.json().getString("status")).isEqualTo("drained");
          Waits.untilTrue(
              () ->
                  clients.connected() == 20 && two.chatServer().io().engine().clientsCount() == 20,
              "every client connected to the other node");
          assertThat(clients.reconnections()).isGreaterThanOrEqualTo(onOne);
          int ackedAfter = clients.acked().size();
          Waits.untilTrue(
              () -> clients.acked().size() > ackedAfter + 40, "acks from the other node");
          clients.stopSending();
          Waits.within(Duration.ofSeconds(2), () -> false, "in-flight acks to arrive");

          Map<String, Long> acked = clients.acked();
          Map<String, Long> stored = new HashMap<>();
          for (Map<String, Object> row :
              two.query("select client_id, id from messages where room_id = ?", room)) {
            stored.put((String) row.get("client_id"), ((Number) row.get("id")).longValue());
          }
          System.out.printf(
              "drain: %d clients on the drained node, %d reconnections, %d acked, %d stored, %d refused%n",
              onOne, clients.reconnections(), acked.size(), stored.size(), clients.refused());
          assertThat(stored).containsAllEntriesOf(acked);
        }
      }
    }
  }

  @Test
  void theRouteIsForTheAdminOnly() throws Exception {
    try (TestServer off = TestServer.start()) {
      postDrain(off, "/api/admin/drain", basic("admin", PASSWORD)).assertError(404, "NOT_FOUND");
    }
    try (TestServer server =
        TestServer.start(Backend.H2, Map.of("ADMIN_PASSWORD", PASSWORD, "DRAIN_GRACE_MS", "0"))) {
      Rest.Response none = postDrain(server, "/api/admin/drain", null);
      none.assertError(401, "UNAUTHORIZED");
      assertThat(none.header("WWW-Authenticate")).startsWith("Basic realm=");
      // every route that takes the admin's sign-in counts into the same failures
      for (int i = 1; i < AdminAttempts.MAX_FAILURES; i++) {
        if (i % 2 == 0) {
          assertThat(deleteCharacter(server, basic("admin", "wrong-" + i))).isEqualTo(401);
        } else {
          postDrain(server, "/api/admin/drain", basic("admin", "wrong-" + i))
              .assertError(401, "UNAUTHORIZED");
        }
      }
      Rest.Response limited = postDrain(server, "/api/admin/drain", basic("admin", PASSWORD));
      limited.assertError(429, "RATE_LIMITED");
      assertThat(limited.header("Retry-After")).isNotNull();
      assertThat(server.chatServer().drain().draining()).isFalse();
      assertThat(server.rest().get("/ready").status()).isEqualTo(200);
    }
  }
}
