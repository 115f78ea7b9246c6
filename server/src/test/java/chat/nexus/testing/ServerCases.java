package chat.nexus.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the test classes that run the same cases on each storage backend: one real server per
 * class, started before the first case and always stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerCases {

  protected TestServer server;
  protected Rest rest;

  protected abstract Backend backend();

  /** Extra environment variables of the server (none by default). */
  protected java.util.Map<String, String> env() {
    return java.util.Map.of();
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
}
