package chat.nexus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Backend;
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
 * Register, login, refresh, logout and tokens from an external identity provider, over REST and on the
 * socket handshake; run on each storage backend by the subclasses.
 */
abstract class AuthCases extends ServerCases {

  private static final String PASSWORD = "correct horse battery";

  static String username() {
    return "u_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonObject register(String username) {
    return rest.post("/api/auth/register", new JsonObject().put("username", username).put("password", PASSWORD)).assertOk(201);
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
    String hash = (String) server.query("SELECT password_hash FROM users WHERE id = ?", user.getString("id")).get(0).get("password_hash");
    assertThat(hash).as("stored hashed").doesNotContain(PASSWORD).startsWith("$argon2");
  }

  @Test
  void registerWithADisplayName() {
    JsonObject body = rest.post("/api/auth/register",
        new JsonObject().put("username", username()).put("password", PASSWORD).put("name", "Ann Example")).assertOk(201);
    assertThat(body.getJsonObject("user").getString("name")).isEqualTo("Ann Example");
  }

  @Test
  void duplicateUsernameIsConflict() {
    String username = username();
    register(username);
    rest.post("/api/auth/register", new JsonObject().put("username", username).put("password", "another password"))
        .assertError(409, "CONFLICT");
  }

  @Test
  void badUsernameIs400WithAMessage() {
    for (String bad : List.of("ab", "has space", "x".repeat(33), "semi;colon", "émile")) {
      Rest.Response response = rest.post("/api/auth/register", new JsonObject().put("username", bad).put("password", PASSWORD))
          .assertError(400, "BAD_REQUEST");
      assertThat(response.message()).as(bad).contains("username");
    }
  }

  @Test
  void badPasswordIs400WithAMessage() {
    for (String bad : List.of("short", "1234567", "p".repeat(129))) {
      Rest.Response response = rest.post("/api/auth/register", new JsonObject().put("username", username()).put("password", bad))
          .assertError(400, "BAD_REQUEST");
      assertThat(response.message()).contains("password");
    }
  }

  @Test
  void missingOrWrongTypedFieldsAre400() {
    assertThat(rest.post("/api/auth/register", new JsonObject().put("password", PASSWORD)).assertError(400, "BAD_REQUEST").message())
        .contains("username");
    assertThat(rest.post("/api/auth/register", new JsonObject().put("username", username())).assertError(400, "BAD_REQUEST").message())
        .contains("password");
    rest.post("/api/auth/register", new JsonObject().put("username", 42).put("password", PASSWORD)).assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/register", new JsonObject().put("username", username()).put("password", PASSWORD).put("name", 7))
        .assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/register", null).assertError(400, "BAD_REQUEST");
  }

  // ---- login ----

  @Test
  void login() {
    String username = username();
    String id = register(username).getJsonObject("user").getString("id");
    JsonObject body = rest.post("/api/auth/login", new JsonObject().put("username", username).put("password", PASSWORD)).assertOk(200);
    assertThat(body.getJsonObject("user").getString("id")).isEqualTo(id);
    assertThat(body.getString("refreshToken")).isNotBlank();
    assertAccepted(body.getString("token"));
  }

  @Test
  void wrongPasswordIs401() {
    String username = username();
    register(username);
    rest.post("/api/auth/login", new JsonObject().put("username", username).put("password", "wrong password"))
        .assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/login", new JsonObject().put("username", username()).put("password", PASSWORD))
        .assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/login", new JsonObject().put("username", username)).assertError(400, "BAD_REQUEST");
  }

  // ---- refresh ----

  @Test
  void refreshRotates() {
    JsonObject first = register(username());
    String oldRefresh = first.getString("refreshToken");
    JsonObject second = rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", oldRefresh)).assertOk(200);
    assertThat(second.getString("refreshToken")).isNotBlank().isNotEqualTo(oldRefresh);
    assertThat(second.getJsonObject("user").getString("id")).isEqualTo(first.getJsonObject("user").getString("id"));
    assertAccepted(second.getString("token"));
    assertAccepted(first.getString("token")); // the session lives on: its access tokens still work

    // the old refresh token is spent
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", oldRefresh)).assertError(401, "UNAUTHORIZED");
    // the new one works once
    JsonObject third = rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", second.getString("refreshToken"))).assertOk(200);
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", second.getString("refreshToken"))).assertError(401, "UNAUTHORIZED");
    assertAccepted(third.getString("token"));
  }

  @Test
  void badRefreshTokens() {
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", "not-a-token")).assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/refresh", new JsonObject()).assertError(400, "BAD_REQUEST");
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", 5)).assertError(400, "BAD_REQUEST");
  }

  // ---- logout ----

  @Test
  void logoutEndsTheSession() {
    String username = username();
    JsonObject session = register(username);
    String token = session.getString("token");
    JsonObject other = rest.post("/api/auth/login", new JsonObject().put("username", username).put("password", PASSWORD)).assertOk(200);
    try (Client before = server.connect(token)) {
      assertThat(before.id()).isNotBlank();
    }

    rest.post("/api/auth/logout", null, token).assertOk(200);

    rest.get("/api/rooms/lobby/messages", token).assertError(401, "UNAUTHORIZED");
    rest.post("/api/auth/logout", null, token).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", token)).getString("message")).isEqualTo("unauthorized");
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken"))).assertError(401, "UNAUTHORIZED");
    // another session of the same user is untouched
    assertAccepted(other.getString("token"));
    rest.post("/api/auth/refresh", new JsonObject().put("refreshToken", other.getString("refreshToken"))).assertOk(200);
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
    rest.get("/api/rooms/lobby/messages", guest.getString("token")).assertError(401, "UNAUTHORIZED");
  }

  // ---- tokens on REST and sockets ----

  @Test
  void restNeedsAToken() {
    rest.get("/api/rooms/lobby/messages").assertError(401, "UNAUTHORIZED");
    rest.get("/api/rooms/lobby/messages", "not.a.jwt").assertError(401, "UNAUTHORIZED");
    Rest.Response basic = rest.getWithHeaders("/api/rooms/lobby/messages", Map.of("Authorization", "Basic dTpw"));
    basic.assertError(401, "UNAUTHORIZED");
  }

  @Test
  void socketNeedsAToken() {
    assertThat(Client.connectError(server.url(), null).getString("message")).isEqualTo("unauthorized");
    assertThat(Client.connectError(server.url(), Map.of()).getString("message")).isEqualTo("unauthorized");
    assertThat(Client.connectError(server.url(), Map.of("token", "")).getString("message")).isEqualTo("unauthorized");
    assertThat(Client.connectError(server.url(), Map.of("token", "not.a.jwt")).getString("message")).isEqualTo("unauthorized");
  }

  @Test
  void externalTokenIsAcceptedAndItsUserCreated() {
    String userId = UUID.randomUUID().toString();
    String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Supa Base", 3600));
    assertThat(server.query("SELECT id FROM users WHERE id = ?", userId)).isEmpty();

    assertAccepted(token);
    List<Map<String, Object>> users = server.query("SELECT id, name, kind, username FROM users WHERE id = ?", userId);
    assertThat(users).hasSize(1);
    assertThat(users.get(0)).containsEntry("name", "Supa Base").containsEntry("kind", "external");
    assertThat(users.get(0).get("username")).isNull();

    try (Client client = server.connect(token)) {
      String room = "ext-" + UUID.randomUUID().toString().substring(0, 8);
      assertThat(client.call("room:join", new JsonObject().put("roomId", room)).getBoolean("ok")).isTrue();
      JsonObject ack = client.call("message:send", new JsonObject().put("roomId", room).put("text", "from supabase"));
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
    assertThat(server.query("SELECT kind FROM users WHERE id = ?", userId)).containsExactly(Map.of("kind", "external"));
  }

  @Test
  void externalTokenWithoutNameUsesTheSubject() {
    String userId = UUID.randomUUID().toString();
    JsonObject claims = Jwt.supabaseClaims(userId, null, 3600);
    claims.remove("name");
    assertAccepted(Jwt.sign(TestServer.SECRET, claims));
    assertThat(server.query("SELECT name FROM users WHERE id = ?", userId)).containsExactly(Map.of("name", userId));
  }

  @Test
  void expiredTokenIsRefused() {
    String userId = UUID.randomUUID().toString();
    String token = Jwt.sign(TestServer.SECRET, Jwt.supabaseClaims(userId, "Late", -60));
    rest.get("/api/rooms/lobby/messages", token).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", token)).getString("message")).isEqualTo("unauthorized");
    assertThat(server.query("SELECT id FROM users WHERE id = ?", userId)).isEmpty();
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() {
    String userId = UUID.randomUUID().toString();
    String token = Jwt.sign("another-secret-another-secret-another-secret", Jwt.supabaseClaims(userId, "Mallory", 3600));
    rest.get("/api/rooms/lobby/messages", token).assertError(401, "UNAUTHORIZED");
    assertThat(Client.connectError(server.url(), Map.of("token", token)).getString("message")).isEqualTo("unauthorized");
    assertThat(server.query("SELECT id FROM users WHERE id = ?", userId)).isEmpty();
  }

  @Test
  void unsignedAndSubjectlessTokensAreRefused() {
    JsonObject claims = Jwt.supabaseClaims(UUID.randomUUID().toString(), "None", 3600);
    String signed = Jwt.sign(TestServer.SECRET, claims);
    String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    String unsigned = header + signed.substring(signed.indexOf('.'), signed.lastIndexOf('.') + 1);
    rest.get("/api/rooms/lobby/messages", unsigned).assertError(401, "UNAUTHORIZED");

    JsonObject noSub = Jwt.supabaseClaims("x", "No Sub", 3600);
    noSub.remove("sub");
    rest.get("/api/rooms/lobby/messages", Jwt.sign(TestServer.SECRET, noSub)).assertError(401, "UNAUTHORIZED");
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
}
