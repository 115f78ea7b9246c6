package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Client;
import chat.nexus.testing.Jwt;
import chat.nexus.testing.Rest;
import chat.nexus.testing.ServerCases;
import chat.nexus.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Register, login, refresh, logout and tokens from an external identity provider, over REST and on
 * the socket handshake; run on each storage backend by the subclasses.
 */
abstract class AuthCases extends ServerCases {

  private static final String PASSWORD = "correct horse battery";

  static String username() {
    return "u_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonObject register(String username) {
    return rest.post(
            "/api/auth/register",
            new JsonObject().put("username", username).put("password", PASSWORD))
        .assertOk(201);
  }

  private void assertAccepted(String token) {
    rest.get("/api/rooms/lobby/messages", token).assertOk(200);
  }

  // ---- register ----

  @Test
  void register() {
    String username = username();
    JsonObject body = register(username);
    assertThat(body.getString("token")).isNotBlank();
    assertThat(body.getString("refreshToken")).isNotBlank();
    assertThat(body.getLong("expiresIn")).isPositive();
    JsonObject user = body.getJsonObject("user");
    assertThat(user.getString("id")).isNotBlank();
    assertThat(user.getString("username")).isEqualTo(username);
    assertThat(user.getString("name")).isEqualTo(username);
    assertThat(user.getString("kind")).isEqualTo("password");
    assertThat(user.fieldNames()).doesNotContain("password", "passwordHash", "password_hash");
    assertAccepted(body.getString("token"));
    String hash =
        (String)
            server
                .query("SELECT password_hash FROM users WHERE id = ?", user.getString("id"))
                .get(0)
                .get("password_hash");
    assertThat(hash).as("stored hashed").doesNotContain(PASSWORD).startsWith("$argon2");
  }

  @Test
  void registerWithADisplayName() {
    JsonObject body =
        rest.post(
                "/api/auth/register",
                new JsonObject()
                    .put("username", username())
                    .put("password", PASSWORD)
                    .put("name", "Ann Example"))
            .assertOk(201);
    assertThat(body.getJsonObject("user").getString("name")).isEqualTo("Ann Example");
  }

  @Test
  void duplicateUsernameIsConflict() {
    String username = username();
    register(username);
    rest.post(
            "/api/auth/register",
            new JsonObject().put("username", username).put("password", "another password"))
        .assertError(409, "CONFLICT");
  }

  @Test
  void badUsernameIs400WithAMessage() {
    for (String bad : List.of("ab", "has space", "x".repeat(33), "semi;colon", "émile")) {
      Rest.Response response =
          rest.post(
                  "/api/auth/register",
                  new JsonObject().put("username", bad).put("password", PASSWORD))
              .assertError(400, "BAD_REQUEST");
      assertThat(response.message()).as(bad).contains("username");
    }
  }

  @Test
  void badPasswordIs400WithAMessage() {
    for (String bad : List.of("short", "1234567", "p".repeat(129))) {
      Rest.Response response =
          rest.post(
                  "/api/auth/register",
                  new JsonObject().put("username", username()).put("password", bad))
              .assertError(400, "BAD_REQUEST");
      assertThat(response.message()).contains("password");
    }
  }

  @Test
  void missingOrWrongTypedFieldsAre400() {
    assertThat(
            rest.post("/api/auth/register", new JsonObject().put("password", PASSWORD))
                .assertError(400, "BAD_REQUEST")
                .message())
        .contains("username");
    assertThat(
            rest.post("/api/auth/register", new JsonObject().put("username", username()))
                .assertError(400, "BAD_REQUEST")
                .message())
        .contains("password");
    rest.post("/api/auth/register", new JsonObject().put("username", 42).put("password", PASSWORD))
        .assertError(400, "BAD_REQUEST");
    rest.post(
            "/api/auth/register",
            new JsonObject().put("username", username()).put("password", PASSWORD).put("name", 7))
        .assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/register", null).assertError(400, "BAD_REQUEST");
  }

  // ---- login ----

  @Test
  void login() {
    String username = username();
    String id = register(username).getJsonObject("user").getString("id");
    JsonObject body =
        rest.post(
                "/api/auth/login",
                new JsonObject().put("username", username).put("password", PASSWORD))
            .assertOk(200);
    assertThat(body.getJsonObject("user").getString("id")).isEqualTo(id);
    assertThat(body.getString("refreshToken")).isNotBlank();
    assertAccepted(body.getString("token"));
  }

  @Test
  void wrongPasswordIs401() {
    String username = username();
    register(username);
    rest.post(
            "/api/auth/login",
            new JsonObject().put("username", username).put("password", "wrong password"))
        .assertError(401, "UNAUTHORIZED");
    rest.post(
            "/api/auth/login",
            new JsonObject().put("username", username()).put("password", PASSWORD))
        .assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/login", new JsonObject().put("username", username))
        .assertError(400, "BAD_REQUEST");
  }

  // ---- refresh ----

  @Test
  void refreshRotates() {
    JsonObject first = register(username());
    String oldRefresh = first.getString("refreshToken");
    JsonObject second =
        rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", oldRefresh))
            .assertOk(200);
    assertThat(second.getString("refreshToken")).isNotBlank().isNotEqualTo(oldRefresh);
    assertThat(second.getJsonObject("user").getString("id"))
        .isEqualTo(first.getJsonObject("user").getString("id"));
    assertAccepted(second.getString("token"));
    assertAccepted(first.getString("token")); // the session lives on: its access tokens still work

    // the old refresh token is spent
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", oldRefresh))
        .assertError(401, "UNAUTHORIZED");
    // the new one works once
    JsonObject third =
        rest.post(
                "/api/auth/refresh",
                new JsonObject().put("refreshToken", second.getString("refreshToken")))
            .assertOk(200);
    rest.post(
            "/api/auth/refresh",
            new JsonObject().put("refreshToken", second.getString("refreshToken")))
        .assertError(401, "UNAUTHORIZED");
    assertAccepted(third.getString("token"));
  }

  @Test
  void badRefreshTokens() {
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", "not-a-token"))
        .assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/refresh", new JsonObject()).assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", 5))
        .assertError(400, "BAD_REQUEST");
  }

  // ---- logout ----

  @Test
  void logoutEndsTheSession() {
    String username = username();
    JsonObject session = register(username);
    String token = session.getString("token");
    JsonObject other =
        rest.post(
                "/api/auth/login",
                new JsonObject().put("username", username).put("password", PASSWORD))
            .assertOk(200);
    try (Client before = server.connect(token)) {
      assertThat(before.id()).isNotBlank();
    }

    rest.post("/api/auth/logout", null, token).assertOk(200);

    rest.get("/api/rooms/lobby/messages", token).assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/logout", null, token).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", token)).getString("message"))
        .isEqualTo("unauthorized");
    rest.post(
            "/api/auth/refresh",
            new JsonObject().put("refreshToken", session.getString("refreshToken")))
        .assertError(401, "UNAUTHORIZED");
    // another session of the same user is untouched
    assertAccepted(other.getString("token"));
    rest.post(
            "/api/auth/refresh",
            new JsonObject().put("refreshToken", other.getString("refreshToken")))
        .assertOk(200);
  }

  @Test
  void logoutNeedsAToken() {
    rest.post("/api/auth/logout", null).assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/logout", null, "garbage").assertError(401, "UNAUTHORIZED");
  }

  @Test
  void guestLogout() {
    JsonObject guest = server.guest("Gus");
    rest.post("/api/auth/logout", null, guest.getString("token")).assertOk(200);
    rest.get("/api/rooms/lobby/messages", guest.getString("token"))
        .assertError(401, "UNAUTHORIZED");
  }

  // ---- tokens on REST and sockets ----

  @Test
  void restNeedsAToken() {
    rest.get("/api/rooms/lobby/messages").assertError(401, "UNAUTHORIZED");
    rest.get("/api/rooms/lobby/messages", "not.a.jwt").assertError(401, "UNAUTHORIZED");
    Rest.Response basic =
        rest.getWithHeaders("/api/rooms/lobby/messages", Map.of("Authorization", "Basic dTpw"));
    basic.assertError(401, "UNAUTHORIZED");
  }

  @Test
  void socketNeedsAToken() {
    assertThat(Client.connectError(server.url(), null).getString("message"))
        .isEqualTo("unauthorized");
    assertThat(Client.connectError(server.url(), Map.of()).getString("message"))
        .isEqualTo("unauthorized");
    assertThat(Client.connectError(server.url(), Map.of("token", "")).getString("message"))
        .isEqualTo("unauthorized");
    assertThat(Client.connectError(server.url(), Map.of("token", "not.a.jwt")).getString("message"))
        .isEqualTo("unauthorized");
  }

  @Test
  void externalTokenIsAcceptedAndItsUserCreated() {
    String userId = UUID.randomUUID().toString();
    String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Supa Base", 3600));
    assertThat(server.query("SELECT id FROM users WHERE id = ?", userId)).isEmpty();

    assertAccepted(token);
    List<Map<String, Object>> users =
        server.query("SELECT id, name, kind, username FROM users WHERE id = ?", userId);
    assertThat(users).hasSize(1);
    assertThat(users.get(0)).containsEntry("name", "Supa Base").containsEntry("kind", "external");
    assertThat(users.get(0).get("username")).isNull();

    try (Client client = server.connect(token)) {
      String room = "ext-" + UUID.randomUUID().toString().substring(0, 8);
      assertThat(client.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
          .isTrue();
      JsonObject ack =
          client.call(
              "message:send", new JsonObject().put("roomId", room).put("text", "from supabase"));
      assertThat(ack.getBoolean("ok")).as(ack.encode()).isTrue();
      assertThat(ack.getJsonObject("message").getString("userId")).isEqualTo(userId);
    }
    assertThat(server.count("SELECT COUNT(*) FROM users WHERE id = ?", userId)).isEqualTo(1);
  }

  @Test
  void externalTokenFirstSeenOnTheSocket() {
    String userId = UUID.randomUUID().toString();
    String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Sock Et", 3600));
    try (Client client = server.connect(token)) {
      assertThat(client.id()).isNotBlank();
    }
    assertThat(server.query("SELECT kind FROM users WHERE id = ?", userId))
        .containsExactly(Map.of("kind", "external"));
  }

  @Test
  void externalTokenWithoutNameUsesTheSubject() {
    String userId = UUID.randomUUID().toString();
    JsonObject claims = Jwt.supabaseClaims(userId, null, 3600);
    claims.remove("name");
    assertAccepted(Jwt.sign(TestServer.SECRET, claims));
    assertThat(server.query("SELECT name FROM users WHERE id = ?", userId))
        .containsExactly(Map.of("name", userId));
  }

  @Test
  void expiredTokenIsRefused() {
    String userId = UUID.randomUUID().toString();
    String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Late", -60));
    rest.get("/api/rooms/lobby/messages", token).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", token)).getString("message"))
        .isEqualTo("unauthorized");
    assertThat(server.query("SELECT id FROM users WHERE id = ?", userId)).isEmpty();
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() {
    String userId = UUID.randomUUID().toString();
    String token =
        Jwt.sign(
            "another-secret-another-secret-another-secret",
            Jwt.supabaseClaims(userId, "Mallory", 3600));
    rest.get("/api/rooms/lobby/messages", token).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", token)).getString("message"))
        .isEqualTo("unauthorized");
    assertThat(server.query("SELECT id FROM users WHERE id = ?", userId)).isEmpty();
  }

  @Test
  void unsignedAndSubjectlessTokensAreRefused() {
    JsonObject claims = Jwt.supabaseClaims(UUID.randomUUID().toString(), "None", 3600);
    String signed = Jwt.sign(TestServer.SECRET, claims);
    String header =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    String unsigned = header + signed.substring(signed.indexOf('.'), signed.lastIndexOf('.') + 1);
    rest.get("/api/rooms/lobby/messages", unsigned).assertError(401, "UNAUTHORIZED");

    JsonObject noSub = Jwt.supabaseClaims("x", "No Sub", 3600);
    noSub.remove("sub");
    rest.get("/api/rooms/lobby/messages", Jwt.sign(TestServer.SECRET, noSub))
        .assertError(401, "UNAUTHORIZED");
  }

  @Test
  void handshakeAcceptsABearerHeader() {
    String token = server.guest("Header").getString("token");
    io.socket.client.IO.Options opts = Client.options(null);
    opts.extraHeaders = Map.of("Authorization", List.of("Bearer " + token));
    try (Client client = Client.connect(server.url(), opts, c -> {})) {
      assertThat(client.id()).isNotBlank();
    }
  }

  // ---- authentication for the life of a socket ----

  @Test
  void logoutEndsTheSessionsOpenSocketsWithAReason() {
    String username = username();
    JsonObject session = register(username);
    JsonObject other =
        rest.post(
                "/api/auth/login",
                new JsonObject().put("username", username).put("password", PASSWORD))
            .assertOk(200);
    Client first = server.connect(session.getString("token"));
    Client second = server.connect(session.getString("token"));
    Client otherSession = server.connect(other.getString("token"));
    String room = "bye-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(first.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
        .isTrue();

    rest.post("/api/auth/logout", null, session.getString("token")).assertOk(200);

    for (Client ended : List.of(first, second)) {
      assertThat(ended.next("session:ended")).isEqualTo(new JsonObject().put("reason", "logout"));
      // a server-side disconnect: the official client does not reconnect by itself
      assertThat(chat.nexus.testing.Waits.get(ended.disconnected(), "the disconnection"))
          .isEqualTo("io server disconnect");
    }
    // the other session's socket goes on
    assertThat(
            otherSession.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok"))
        .isTrue();
    assertThat(otherSession.pending("session:ended")).isZero();
  }

  @Test
  void aReusedRefreshTokenEndsTheSessionAndItsSockets() {
    JsonObject session = register(username());
    String stolen = session.getString("refreshToken");
    JsonObject rotated =
        rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", stolen)).assertOk(200);
    Client socket = server.connect(rotated.getString("token"));
    // at once: taken for a client racing itself, refused and nothing more
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", stolen))
        .assertError(401, "UNAUTHORIZED");
    assertAccepted(rotated.getString("token"));

    // later: a copy of the token is in other hands; the session ends for both
    assertThat(
            server.update(
                "UPDATE retired_refresh_tokens SET retired_at = ?",
                java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(5)))
        .isPositive();
    Rest.Response reused =
        rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", stolen));
    reused.assertError(401, "UNAUTHORIZED");
    assertThat(reused.message()).contains("already used");
    assertThat(socket.next("session:ended"))
        .isEqualTo(new JsonObject().put("reason", "refresh_token_reused"));
    rest.get("/api/rooms/lobby/messages", rotated.getString("token"))
        .assertError(401, "UNAUTHORIZED");
    rest.post(
            "/api/auth/refresh",
            new JsonObject().put("refreshToken", rotated.getString("refreshToken")))
        .assertError(401, "UNAUTHORIZED");
  }

  @Test
  void tokensWithoutExpiryOrWithANonStringSubjectAreRefused() {
    JsonObject noExp = Jwt.supabaseClaims(UUID.randomUUID().toString(), "Forever", 3600);
    noExp.remove("exp");
    String forever = Jwt.sign(TestServer.SECRET, noExp);
    rest.get("/api/rooms/lobby/messages", forever).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", forever)).getString("message"))
        .isEqualTo("unauthorized");

    for (Object sub : List.<Object>of(12345, true, new JsonObject().put("id", "x"))) {
      JsonObject claims = Jwt.supabaseClaims("x", "Odd", 3600).put("sub", sub);
      rest.get("/api/rooms/lobby/messages", Jwt.sign(TestServer.SECRET, claims))
          .assertError(401, "UNAUTHORIZED");
    }
    JsonObject textExp =
        Jwt.supabaseClaims(UUID.randomUUID().toString(), "Text", 3600).put("exp", "tomorrow");
    rest.get("/api/rooms/lobby/messages", Jwt.sign(TestServer.SECRET, textExp))
        .assertError(401, "UNAUTHORIZED");
  }

  @Test
  void aTokenJustPastItsExpiryIsAcceptedWithinTheLeeway() {
    String userId = UUID.randomUUID().toString();
    assertAccepted(Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Drift", -10)));
    rest.get(
            "/api/rooms/lobby/messages",
            Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Drift", -45)))
        .assertError(401, "UNAUTHORIZED");
  }

  // ---- names ----

  @Test
  void usernamesAreOnePersonWhateverTheirCase() {
    String username = "Ann_" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject ann = register(username);
    rest.post(
            "/api/auth/register",
            new JsonObject().put("username", username.toLowerCase()).put("password", PASSWORD))
        .assertError(409, "CONFLICT");
    rest.post(
            "/api/auth/register",
            new JsonObject().put("username", username.toUpperCase()).put("password", PASSWORD))
        .assertError(409, "CONFLICT");
    JsonObject login =
        rest.post(
                "/api/auth/login",
                new JsonObject().put("username", username.toUpperCase()).put("password", PASSWORD))
            .assertOk(200);
    assertThat(login.getJsonObject("user").getString("id"))
        .isEqualTo(ann.getJsonObject("user").getString("id"));
    assertThat(login.getJsonObject("user").getString("username")).isEqualTo(username);
  }

  @Test
  void displayNamesAreNormalisedAndHiddenCharactersRefused() {
    JsonObject wide =
        rest.post(
                "/api/auth/register",
                new JsonObject()
                    .put("username", username())
                    .put("password", PASSWORD)
                    .put("name", "  \uFF21\uFF4E\uFF4E \u3000  Lee "))
            .assertOk(201);
    assertThat(wide.getJsonObject("user").getString("name")).isEqualTo("Ann Lee");
    assertThat(
            rest.post("/api/auth/guest", new JsonObject().put("name", "\uFF22ob"))
                .assertOk(201)
                .getJsonObject("user")
                .getString("name"))
        .isEqualTo("Bob");

    for (String hidden :
        List.of(
            "Ann\u202Egnp.exe",
            "Bob\u2066x\u2069",
            "Zero\u200Bwidth",
            "Line\u2028break",
            "nul\u0000",
            "bell\u0007",
            "tab\tbed",
            "   ")) {
      Rest.Response guest = rest.post("/api/auth/guest", new JsonObject().put("name", hidden));
      guest.assertError(400, "BAD_REQUEST");
      rest.post(
              "/api/auth/register",
              new JsonObject()
                  .put("username", username())
                  .put("password", PASSWORD)
                  .put("name", hidden))
          .assertError(400, "BAD_REQUEST");
    }
    // 64 characters outside the BMP fit; 65 do not
    rest.post("/api/auth/guest", new JsonObject().put("name", "\uD83D\uDE00".repeat(50)))
        .assertOk(201);
    rest.post("/api/auth/guest", new JsonObject().put("name", "x".repeat(65)))
        .assertError(400, "BAD_REQUEST");
  }

  @Test
  void aTokensNameIsCleanedNotRefused() {
    String userId = UUID.randomUUID().toString();
    assertAccepted(
        Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "\u202EMal\u0000lory\uFF01", 3600)));
    assertThat(server.query("SELECT name FROM users WHERE id = ?", userId))
        .containsExactly(Map.of("name", "Mallory!"));
  }
}
