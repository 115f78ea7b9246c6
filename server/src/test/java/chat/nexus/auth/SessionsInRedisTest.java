package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.http.HttpApi;
import chat.nexus.testing.Backend;
import chat.nexus.testing.Client;
import chat.nexus.testing.Rest;
import chat.nexus.testing.TestRedis;
import chat.nexus.testing.TestServer;
import io.socket.client.IO;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Login sessions of two nodes on one database and the real Redis (a random key prefix), and the
 * signed session cookie on REST and sockets.
 */
class SessionsInRedisTest {

  private static final String HISTORY = "/api/rooms/lobby/messages";

  private static JsonObject credentials(String username) {
    return new JsonObject().put("username", username).put("password", "correct horse battery");
  }

  @Test
  void sessionsLiveInTheDatabaseAndTheirEndReachesEveryNodeThroughRedis() {
    try (TestRedis redis = new TestRedis();
        Backend.Prepared db = Backend.POSTGRES.prepare()) {
      Map<String, String> env = new java.util.HashMap<>(db.env());
      env.putAll(redis.env());
      try (TestServer a = TestServer.start(Backend.H2, env);
          TestServer b = TestServer.start(Backend.H2, env)) {
        JsonObject registered =
            a.rest().post("/api/auth/register", credentials("shared-user")).assertOk(201);
        assertThat(a.count("SELECT COUNT(*) FROM sessions")).isEqualTo(1);
        assertThat(redis.keys()).noneMatch(k -> k.contains("sess"));

        // b has never seen this user or session: both are in the shared database
        assertThat(b.rest().get(HISTORY, registered.getString("token")).status()).isEqualTo(200);
        JsonObject refreshed =
            b.rest()
                .post(
                    "/api/auth/refresh",
                    new JsonObject().put("refreshToken", registered.getString("refreshToken")))
                .assertOk(200);
        a.rest()
            .post(
                "/api/auth/refresh",
                new JsonObject().put("refreshToken", registered.getString("refreshToken")))
            .assertError(401, "UNAUTHORIZED");

        JsonObject login =
            a.rest().post("/api/auth/login", credentials("shared-user")).assertOk(200);
        Client onB = b.connect(login.getString("token"));
        assertThat(b.rest().get(HISTORY, login.getString("token")).status())
            .isEqualTo(200); // b caches it as active
        long started = System.nanoTime();
        a.rest().post("/api/auth/logout", null, login.getString("token")).assertOk(200);
        // b hears of it through Redis: its socket of that session ends, and the token is refused at
        // once,
        // though b had cached the session as active
        assertThat(onB.next("session:ended")).isEqualTo(new JsonObject().put("reason", "logout"));
        b.rest().get(HISTORY, login.getString("token")).assertError(401, "UNAUTHORIZED");
        assertThat((System.nanoTime() - started) / 1_000_000)
            .as("well before b's cache of 5 s would expire")
            .isLessThan(4_000);
        b.rest()
            .post(
                "/api/auth/refresh",
                new JsonObject().put("refreshToken", login.getString("refreshToken")))
            .assertError(401, "UNAUTHORIZED");
        // the other session goes on
        assertThat(b.rest().get(HISTORY, refreshed.getString("token")).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void theSessionCookieSignsInRestAndSocketsAndLogoutEndsIt() {
    try (TestRedis redis = new TestRedis();
        TestServer server = TestServer.start(Backend.H2, redis.env())) {
      Rest.Response login = server.rest().post("/api/auth/register", credentials("cookie-user"));
      assertThat(login.status()).isEqualTo(201);
      String setCookie = login.header("Set-Cookie");
      assertThat(setCookie)
          .startsWith(SessionCookie.NAME + "=")
          .containsIgnoringCase("HttpOnly")
          .contains("SameSite=Lax")
          .contains("Path=/")
          .doesNotContain("Secure"); // development
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      Map<String, String> withCookie = Map.of("Cookie", cookie);

      assertThat(server.rest().getWithHeaders(HISTORY, withCookie).status()).isEqualTo(200);
      server
          .rest()
          .getWithHeaders(HISTORY, Map.of("Cookie", cookie + "x"))
          .assertError(401, "UNAUTHORIZED");

      IO.Options options = Client.options(null);
      options.extraHeaders = Map.of("Cookie", List.of(cookie));
      Client socket = Client.connect(server.url(), options, c -> {});
      assertThat(
              socket.call("room:join", new JsonObject().put("roomId", "cookies")).getBoolean("ok"))
          .isTrue();
      socket.close();

      JsonObject refreshed =
          server
              .rest()
              .postRaw("/api/auth/refresh", "application/json", "{}", null, withCookie)
              .assertOk(200);
      assertThat(refreshed.getString("token")).isNotBlank();
      assertThat(refreshed.containsKey("refreshToken")).isFalse();

      // a cookie-authenticated POST that a cross-site form could send is refused
      server
          .rest()
          .postRaw("/api/auth/logout", "text/plain", "", null, withCookie)
          .assertError(403, "FORBIDDEN");
      Rest.Response logout =
          server
              .rest()
              .postRaw(
                  "/api/auth/logout",
                  null,
                  "",
                  null,
                  Map.of("Cookie", cookie, HttpApi.CSRF_HEADER, "fetch"));
      assertThat(logout.status()).isEqualTo(200);
      assertThat(logout.header("Set-Cookie"))
          .startsWith(SessionCookie.NAME + "=;")
          .contains("Max-Age=0");
      server.rest().getWithHeaders(HISTORY, withCookie).assertError(401, "UNAUTHORIZED");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Client.connect(server.url(), options, c -> {}))
          .hasMessageContaining("unauthorized");
    }
  }
}
