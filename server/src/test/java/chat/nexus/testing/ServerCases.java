package chat.nexus.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the test classes that share one real server: started before the first case on port 0 (on
 * H2 unless {@link #backend()} says otherwise, with the extra environment of {@link #env()}), and
 * always stopped, with every client it connected, after the last. The cases build their scene from
 * signed-in users ({@link #user}), fresh rooms ({@link #room}) and official clients that have
 * joined one ({@link #joined}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerCases {

  protected TestServer server;
  protected Rest rest;

  /** Where the server keeps its data; the subclasses that run on each backend say which. */
  protected Backend backend() {
    return Backend.H2;
  }

  /** Extra environment variables of the server (none by default). */
  protected Map<String, String> env() {
    return Map.of();
  }

  @BeforeAll
  void start() {
    server = TestServer.start(backend(), env());
    rest = server.rest();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A guest signed in as {@code name}. */
  protected TestUser user(String name) {
    return TestUser.of(server.guest(name));
  }

  /** A public room id of its own: nobody is in it, nothing was said in it. */
  protected static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * A connected official client of {@code user} that has joined {@code roomId} (closed with the
   * server if the case does not close it).
   */
  protected Client joined(TestUser user, String roomId) {
    Client client = server.connect(user.token());
    join(client, roomId);
    return client;
  }

  /** Joins {@code roomId}; fails the case unless the ack says ok. The ack. */
  protected static JsonObject join(Client client, String roomId) {
    JsonObject ack = client.call("room:join", new JsonObject().put("roomId", roomId));
    assertThat(ack.getBoolean("ok")).as("join %s: %s", roomId, ack).isTrue();
    return ack;
  }
}
