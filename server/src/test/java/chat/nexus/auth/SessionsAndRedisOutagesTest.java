package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.redis.RedisProcess;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login sessions and a Redis of the test's own (no persistence, killed and started again; the
 * shared Redis is not touched): sessions live in the database, so a Redis restart signs nobody out,
 * and with Redis down sign-up, login, guests, refresh and logout still answer, at once.
 */
class SessionsAndRedisOutagesTest {

  private static final String HISTORY = "/api/rooms/lobby/messages";

  /**
   * What Redis may add to a sign-in when it is down: the rate limiter's check fails open within its
   * 1 s command timeout. The bound leaves room for Argon2 on a loaded two-core machine.
   */
  private static final long ANSWER_BOUND_MS = 2_500;

  @TempDir Path redisDir;

  private static Map<String, String> env(RedisProcess redis) {
    return Map.of(
        "REDIS_URL",
        redis.url(),
        "REDIS_KEY_PREFIX",
        "t-" + UUID.randomUUID().toString().substring(0, 8) + ":",
        "RATE_LIMIT_ENABLED",
        "true",
        "RATE_LIMIT_MAX",
        "1000",
        "LOGIN_RATE_LIMIT_MAX",
        "1000");
  }

  private static JsonObject credentials(String username) {
    return new JsonObject().put("username", username).put("password", "correct horse battery");
  }

  @Test
  void sessionsSurviveARedisRestartWithoutPersistence() throws Exception {
    try (RedisProcess redis = RedisProcess.start(redisDir);
        TestServer server = TestServer.start(Backend.H2, env(redis))) {
      Rest rest = server.rest();
      JsonObject registered =
          rest.post(
                  "/api/auth/register",
                  credentials("keep-" + UUID.randomUUID().toString().substring(0, 8)))
              .assertOk(201);
      JsonObject guest = server.guest("Kept");

      redis.kill();
      redis.startAgain(); // empty: nothing was saved

      for (JsonObject session : new JsonObject[] {registered, guest}) {
        assertThat(rest.get(HISTORY, session.getString("token")).status()).isEqualTo(200);
        JsonObject refreshed =
            rest.post(
                    "/api/auth/refresh",
                    new JsonObject().put("refreshToken", session.getString("refreshToken")))
                .assertOk(200);
        assertThat(rest.get(HISTORY, refreshed.getString("token")).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void signInRefreshAndLogoutAnswerAtOnceWhileRedisIsDown() throws Exception {
    try (RedisProcess redis = RedisProcess.start(redisDir);
        TestServer server = TestServer.start(Backend.H2, env(redis))) {
      Rest rest = server.rest();
      String username = "down-" + UUID.randomUUID().toString().substring(0, 8);
      JsonObject before = rest.post("/api/auth/register", credentials(username)).assertOk(201);

      redis.kill();

      JsonObject registered =
          timed("register", () -> rest.post("/api/auth/register", credentials(username + "x")))
              .assertOk(201);
      JsonObject login =
          timed("login", () -> rest.post("/api/auth/login", credentials(username))).assertOk(200);
      timed("guest", () -> rest.post("/api/auth/guest", new JsonObject().put("name", "Down")))
          .assertOk(201);
      JsonObject refreshed =
          timed(
                  "refresh",
                  () ->
                      rest.post(
                          "/api/auth/refresh",
                          new JsonObject().put("refreshToken", before.getString("refreshToken"))))
              .assertOk(200);
      assertThat(rest.get(HISTORY, refreshed.getString("token")).status()).isEqualTo(200);
      timed("logout", () -> rest.post("/api/auth/logout", null, login.getString("token")))
          .assertOk(200);
      rest.get(HISTORY, login.getString("token")).assertError(401, "UNAUTHORIZED");
      assertThat(rest.get(HISTORY, registered.getString("token")).status()).isEqualTo(200);
    }
  }

  @Test
  void aSessionEndWhoseRedisMessageWasMissedStillEndsTheSocketsWithinTheCheckInterval()
      throws Exception {
    try (RedisProcess redis = RedisProcess.start(redisDir);
        TestServer server =
            TestServer.start(
                Backend.H2, Map.of("REDIS_URL", redis.url(), "SESSION_CHECK_INTERVAL_MS", "500"))) {
      JsonObject guest = server.guest("Missed");
      chat.nexus.testing.Client socket = server.connect(guest.getString("token"));
      String sessionId =
          new JsonObject(
                  new String(
                      java.util.Base64.getUrlDecoder()
                          .decode(guest.getString("token").split("\\.")[1]),
                      java.nio.charset.StandardCharsets.UTF_8))
              .getString("sid");
      redis.kill();
      // another node ended the session while Redis was down: its message never came, the database
      // has it
      assertThat(
              server.update(
                  "UPDATE sessions SET revoked_at = ? WHERE id = ?",
                  java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC),
                  sessionId))
          .isEqualTo(1);
      assertThat(socket.next("session:ended")).isEqualTo(new JsonObject().put("reason", "revoked"));
    }
  }

  private static Rest.Response timed(String what, Supplier<Rest.Response> call) {
    long started = System.nanoTime();
    Rest.Response response = call.get();
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertThat(ms).as("%s answered %s in %d ms", what, response, ms).isLessThan(ANSWER_BOUND_MS);
    return response;
  }
}
