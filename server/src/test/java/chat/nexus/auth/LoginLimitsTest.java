package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Password hashing has a small bounded pool of its own: a login flood beyond it is answered 503
 * UNAVAILABLE + Retry-After at once, and history reads (database workers) are not held up
 * meanwhile. Sign-ups and logins count in a login rate limit per client address.
 */
class LoginLimitsTest {

  private static final String PASSWORD = "correct horse battery";
  private static final int FLOOD = 24;

  /**
   * "At once" on a loaded two-core machine: no hashing, no waiting in a line, one HTTP round trip.
   */
  private static final long REFUSAL_BOUND_MS = 1_000;

  /** A history read during the flood: the database pool is not the hashing pool. */
  private static final long HISTORY_BOUND_MS = 1_000;

  @Test
  void aLoginFloodBeyondTheHashingPoolIsRefusedAtOnceAndLeavesHistoryReadsAlone() throws Exception {
    try (TestServer server =
        TestServer.start(
            Backend.H2, Map.of("PASSWORD_HASH_THREADS", "1", "PASSWORD_HASH_QUEUE", "1"))) {
      Rest rest = server.rest();
      String username = "flood-" + UUID.randomUUID().toString().substring(0, 8);
      String token =
          rest.post(
                  "/api/auth/register",
                  new JsonObject().put("username", username).put("password", PASSWORD))
              .assertOk(201)
              .getString("token");
      ExecutorService pool = Executors.newFixedThreadPool(FLOOD);
      try {
        List<Future<long[]>> calls = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
          calls.add(
              pool.submit(
                  () -> {
                    long started = System.nanoTime();
                    Rest.Response r =
                        rest.post(
                            "/api/auth/login",
                            new JsonObject().put("username", username).put("password", PASSWORD));
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    if (r.status() == 503) {
                      Rest.assertErrorShape(r.json(), "UNAVAILABLE");
                      assertThat(r.json().getJsonObject("error").getLong("retryAfter"))
                          .isPositive();
                      assertThat(r.header("Retry-After")).isNotNull();
                    } else {
                      assertThat(r.status()).as("%s", r).isEqualTo(200);
                    }
                    return new long[] {r.status(), ms};
                  }));
        }
        long started = System.nanoTime();
        assertThat(rest.get("/api/rooms/lobby/messages", token).status()).isEqualTo(200);
        long historyMs = (System.nanoTime() - started) / 1_000_000;

        int refused = 0;
        int served = 0;
        for (Future<long[]> call : calls) {
          long[] result = call.get(60, TimeUnit.SECONDS);
          if (result[0] == 503) {
            refused++;
            assertThat(result[1]).as("a refusal's answer time").isLessThan(REFUSAL_BOUND_MS);
          } else {
            served++;
          }
        }
        assertThat(refused).as("refused beyond 1 hashing + 1 waiting").isPositive();
        assertThat(served).isPositive();
        assertThat(historyMs).as("history read during the flood").isLessThan(HISTORY_BOUND_MS);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void signUpsAndLoginsCountInALoginLimitPerAddress() {
    try (TestServer server =
        TestServer.start(
            Backend.H2, Map.of("RATE_LIMIT_ENABLED", "true", "LOGIN_RATE_LIMIT_MAX", "3"))) {
      Rest rest = server.rest();
      String username = "limited-" + UUID.randomUUID().toString().substring(0, 8);
      rest.post(
              "/api/auth/register",
              new JsonObject().put("username", username).put("password", PASSWORD))
          .assertOk(201);
      rest.post(
              "/api/auth/login",
              new JsonObject().put("username", username).put("password", "wrong password"))
          .assertError(401, "UNAUTHORIZED");
      rest.post(
              "/api/auth/login",
              new JsonObject().put("username", username).put("password", PASSWORD))
          .assertOk(200);
      Rest.Response over =
          rest.post(
              "/api/auth/login",
              new JsonObject().put("username", username).put("password", PASSWORD));
      over.assertError(429, "RATE_LIMITED");
      assertThat(over.header("Retry-After")).isNotNull();
      rest.post(
              "/api/auth/register",
              new JsonObject().put("username", username + "2").put("password", PASSWORD))
          .assertError(429, "RATE_LIMITED");
      // other routes keep their own budget
      assertThat(
              rest.post("/api/auth/guest", new JsonObject().put("name", "Still Welcome")).status())
          .isEqualTo(201);
    }
  }
}
