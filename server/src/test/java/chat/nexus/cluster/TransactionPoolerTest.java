package chat.nexus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.LogCapture;
import chat.nexus.testing.PgBouncer;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import chat.nexus.testing.Waits;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two chat servers behind the real PgBouncer in transaction mode, with fewer server connections
 * than the nodes' pools hold, so consecutive transactions of one pooled connection run on different
 * PostgreSQL backends. Both start at once, so their migrations meet at Flyway's lock. Under
 * concurrent sends, history reads and sign-ins from both nodes, every acknowledged message is
 * stored exactly once and no statement fails (a named server-side prepared statement would be
 * missing on the next backend, or already exist there).
 */
class TransactionPoolerTest {

  static final int CLIENTS_PER_NODE = 3;

  /**
   * Enough for each pooled connection to run the same statements past pgjdbc's default
   * prepareThreshold (5), after which it would name them on the server.
   */
  static final int ROUNDS = 12;

  /** Sends each client has in flight at once in a round. */
  static final int SENDS_PER_ROUND = 5;

  /** Two nodes migrating and warming up at once on two shared cores. */
  static final long START_TIMEOUT_S = 60;

  @Test
  void twoNodesThroughPgBouncerStoreEveryAcknowledgedMessageOnce() throws Exception {
    try (Backend.Prepared db = Backend.POSTGRES.prepare();
        PgBouncer pgbouncer = PgBouncer.start(schema(db));
        TestRedis redis = new TestRedis();
        LogCapture log = LogCapture.atLeast(Level.WARN)) {
      Map<String, String> env = new HashMap<>(redis.env());
      env.put("REDIS_ADAPTER_KEY", redis.prefix() + "adapter");
      env.put("DATABASE_URL", pgbouncer.jdbcUrl());
      env.put("DATABASE_POOLER", "transaction");
      List<TestServer> nodes = startTogether(env);
      try (TestServer one = nodes.get(0);
          TestServer two = nodes.get(1)) {
        TwoNodesTest.waitForNodes(one, 2);
        TwoNodesTest.waitForNodes(two, 2);
        String room = "pooled-" + UUID.randomUUID().toString().substring(0, 8);
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS_PER_NODE * 2; i++) {
          TestServer node = i % 2 == 0 ? one : two;
          Client client = node.connect(TwoNodesTest.token("u" + i + "-" + room, "User " + i));
          assertThat(
                  client.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
              .isTrue();
          clients.add(client);
        }

        Map<Long, String> acknowledged = sendConcurrently(clients, room);

        assertThat(acknowledged).hasSize(clients.size() * ROUNDS * SENDS_PER_ROUND);
        assertThat(storedClientIds(db, room)).isEqualTo(acknowledged);
        assertThat(log.lines()).isEmpty();
        assertThat(pgbouncer.log()).doesNotContain("prepared statement");
      }
    }
  }

  /**
   * Rounds of sends from every client at once, each round with a history read per client; the
   * acknowledged message ids with their client ids. Fails on the first refused send.
   */
  private static Map<Long, String> sendConcurrently(List<Client> clients, String room) {
    Map<Long, String> acknowledged = new HashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      Map<String, CompletableFuture<JsonObject>> acks = new HashMap<>();
      List<CompletableFuture<JsonObject>> reads = new ArrayList<>();
      for (int c = 0; c < clients.size(); c++) {
        for (int s = 0; s < SENDS_PER_ROUND; s++) {
          String clientId = "c" + c + "-" + round + "-" + s;
          JsonObject send =
              new JsonObject().put("roomId", room).put("text", clientId).put("clientId", clientId);
          acks.put(clientId, clients.get(c).callAsync("message:send", send));
        }
        reads.add(clients.get(c).callAsync("history", new JsonObject().put("roomId", room)));
      }
      for (Map.Entry<String, CompletableFuture<JsonObject>> ack : acks.entrySet()) {
        JsonObject answer = Waits.get(ack.getValue(), "the ack of " + ack.getKey());
        assertThat(answer.getBoolean("ok")).as("%s: %s", ack.getKey(), answer).isTrue();
        acknowledged.put(answer.getJsonObject("message").getLong("id"), ack.getKey());
      }
      for (CompletableFuture<JsonObject> read : reads) {
        JsonObject answer = Waits.get(read, "a history read");
        assertThat(answer.getBoolean("ok")).as("history: %s", answer).isTrue();
      }
    }
    return acknowledged;
  }

  /** The room's stored messages (id to client id), read directly, past PgBouncer. */
  private static Map<Long, String> storedClientIds(Backend.Prepared db, String room)
      throws Exception {
    Map<Long, String> stored = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db.env().get("DATABASE_URL"));
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT id, client_id FROM messages WHERE room_id = '" + room + "' ORDER BY id")) {
      while (rows.next()) {
        stored.put(rows.getLong(1), rows.getString(2));
      }
    }
    return stored;
  }

  /**
   * Two nodes started at once, so that both run the migrations through PgBouncer and one waits for
   * the other's lock; if either fails, the other is stopped.
   */
  private static List<TestServer> startTogether(Map<String, String> env) {
    List<CompletableFuture<TestServer>> starts =
        List.of(
            CompletableFuture.supplyAsync(() -> TestServer.start(Backend.H2, env)),
            CompletableFuture.supplyAsync(() -> TestServer.start(Backend.H2, env)));
    try {
      Waits.get(
          CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)),
          START_TIMEOUT_S,
          "two nodes to start through PgBouncer");
    } catch (AssertionError e) {
      starts.forEach(start -> start.thenAccept(TestServer::close));
      throw e;
    }
    return starts.stream().map(CompletableFuture::join).toList();
  }

  /** The schema {@link Backend} made for this test, named in its DATABASE_URL. */
  private static String schema(Backend.Prepared db) {
    return db.env().get("DATABASE_URL").replaceFirst(".*[?&]currentSchema=([^&]+).*", "$1");
  }
}
