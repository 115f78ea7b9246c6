package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.store.Blocking;
import chat.nexus.store.SessionStore;
import chat.nexus.store.User;
import chat.nexus.store.UserStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sign-up, login, refresh, logout and guests; and checking the token of every REST call and socket.
 * Password hashing and JDBC run on the {@link Blocking} pool.
 */
public final class AuthService {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
  public static final int MAX_NAME_LENGTH = 64;
  /** How long a session's "active" status is trusted before asking the database again (other nodes' logouts). */
  static final Duration SESSION_CACHE_TTL = Duration.ofSeconds(5);
  static final Duration USER_CACHE_TTL = Duration.ofMinutes(10);
  static final long CACHE_SIZE = 100_000;

  private final Tokens tokens;
  private final UserStore users;
  private final SessionStore sessions;
  private final Blocking blocking;
  private final boolean allowGuests;
  private final Cache<String, Boolean> activeSessions =
      Caffeine.newBuilder().expireAfterWrite(SESSION_CACHE_TTL).maximumSize(CACHE_SIZE).build();
  private final Cache<String, User> knownUsers =
      Caffeine.newBuilder().expireAfterWrite(USER_CACHE_TTL).maximumSize(CACHE_SIZE).build();

  public AuthService(Tokens tokens, UserStore users, SessionStore sessions, Blocking blocking, boolean allowGuests) {
    this.tokens = tokens;
    this.users = users;
    this.sessions = sessions;
    this.blocking = blocking;
    this.allowGuests = allowGuests;
  }

  /** Verifies a token, refuses revoked sessions, and makes sure its user exists (created on first sight). */
  public Future<Identity> authenticate(String token) {
    return tokens.verify(token).compose(identity -> checkSession(identity).compose(v -> ensureUser(identity)).map(identity));
  }

  private Future<Void> checkSession(Identity identity) {
    if (identity.sessionId() == null) {
      return Future.succeededFuture();
    }
    Boolean cached = activeSessions.getIfPresent(identity.sessionId());
    Future<Boolean> active = cached != null
        ? Future.succeededFuture(cached)
        : blocking.run(() -> sessions.findById(identity.sessionId()).map(s -> s.isActive(Instant.now())).orElse(false))
            .onSuccess(value -> activeSessions.put(identity.sessionId(), value));
    return active.compose(ok -> ok ? Future.succeededFuture() : Future.failedFuture(ApiException.unauthorized("session has ended")));
  }

  private Future<Void> ensureUser(Identity identity) {
    if (knownUsers.getIfPresent(identity.userId()) != null) {
      return Future.succeededFuture();
    }
    return blocking.run(() -> users.ensureExternal(identity.userId(), truncate(identity.name())))
        .onSuccess(user -> knownUsers.put(user.id(), user))
        .mapEmpty();
  }

  /** The stored user, or null. */
  public Future<User> user(String userId) {
    User cached = knownUsers.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return blocking.run(() -> users.findById(userId).orElse(null));
  }

  public Future<JsonObject> register(JsonObject body) {
    String username = requireString(body, "username");
    String password = requireString(body, "password");
    if (!USERNAME.matcher(username).matches()) {
      return Future.failedFuture(ApiException.badRequest("username must be 3-32 characters of letters, digits, '_', '.', '-'"));
    }
    if (password.length() < Passwords.MIN_LENGTH || password.length() > Passwords.MAX_LENGTH) {
      return Future.failedFuture(ApiException.badRequest(
          "password must be " + Passwords.MIN_LENGTH + "-" + Passwords.MAX_LENGTH + " characters"));
    }
    String name = optionalName(body, username);
    User user = new User(tokens.newId(), username, name, User.PASSWORD);
    return blocking.run(() -> users.insert(user, Passwords.hash(password)))
        .compose(inserted -> inserted
            ? startSession(user, Tokens.ACCESS_TOKEN_TTL_SECONDS)
            : Future.failedFuture(new ApiException(ErrorCode.CONFLICT, "username is taken")));
  }

  public Future<JsonObject> login(JsonObject body) {
    String username = requireString(body, "username");
    String password = requireString(body, "password");
    ApiException refused = ApiException.unauthorized("invalid username or password");
    return blocking.run(() -> {
          Optional<User> user = users.findByUsername(username);
          if (user.isEmpty()) {
            Passwords.hash(password); // same time whether or not the user exists
            return null;
          }
          String hash = users.passwordHash(user.get().id()).orElse(null);
          return Passwords.verify(password, hash) ? user.get() : null;
        })
        .compose(user -> user == null ? Future.failedFuture(refused) : startSession(user, Tokens.ACCESS_TOKEN_TTL_SECONDS));
  }

  public Future<JsonObject> guest(JsonObject body) {
    if (!allowGuests) {
      return Future.failedFuture(ApiException.forbidden("guest access is disabled"));
    }
    String name = optionalName(body, null);
    if (name == null) {
      return Future.failedFuture(ApiException.badRequest("name is required"));
    }
    User user = new User("guest-" + tokens.newId(), null, name, User.GUEST);
    return blocking.run(() -> users.insert(user, null)).compose(v -> startSession(user, Tokens.GUEST_TOKEN_TTL_SECONDS));
  }

  /** Trades a refresh token for a new access token and a new refresh token (the old one stops working). */
  public Future<JsonObject> refresh(JsonObject body) {
    String refreshToken = requireString(body, "refreshToken");
    String oldHash = Tokens.hashRefreshToken(refreshToken);
    String newToken = tokens.newRefreshToken();
    Instant expires = Instant.now().plusSeconds(Tokens.REFRESH_TOKEN_TTL_SECONDS);
    return blocking.run(() -> {
          Optional<SessionStore.Session> session = sessions.findByRefreshTokenHash(oldHash);
          if (session.isEmpty() || !session.get().isActive(Instant.now())
              || !sessions.rotate(session.get().id(), oldHash, Tokens.hashRefreshToken(newToken), expires)) {
            return null;
          }
          return users.findById(session.get().userId()).map(u -> new Object[] {u, session.get().id()}).orElse(null);
        })
        .compose(found -> {
          if (found == null) {
            return Future.failedFuture(ApiException.unauthorized("invalid or expired refresh token"));
          }
          User user = (User) found[0];
          String sessionId = (String) found[1];
          return Future.succeededFuture(tokenResponse(user, sessionId, newToken, Tokens.ACCESS_TOKEN_TTL_SECONDS));
        });
  }

  /** Ends the session of the calling token: its refresh token and access tokens stop working. */
  public Future<Void> logout(Identity identity) {
    if (identity.sessionId() == null) {
      return Future.succeededFuture();
    }
    activeSessions.put(identity.sessionId(), false);
    return blocking.run(() -> {
      sessions.revoke(identity.sessionId());
      return null;
    });
  }

  private Future<JsonObject> startSession(User user, long accessTtl) {
    String sessionId = tokens.newId();
    String refreshToken = tokens.newRefreshToken();
    Instant expires = Instant.now().plusSeconds(Tokens.REFRESH_TOKEN_TTL_SECONDS);
    return blocking.run(() -> {
          sessions.create(sessionId, user.id(), Tokens.hashRefreshToken(refreshToken), expires);
          return null;
        })
        .map(v -> {
          knownUsers.put(user.id(), user);
          activeSessions.put(sessionId, true);
          return tokenResponse(user, sessionId, refreshToken, accessTtl);
        });
  }

  private JsonObject tokenResponse(User user, String sessionId, String refreshToken, long accessTtl) {
    String token = tokens.issue(new Identity(user.id(), user.name(), sessionId), accessTtl);
    return new JsonObject()
        .put("ok", true)
        .put("token", token)
        .put("refreshToken", refreshToken)
        .put("expiresIn", accessTtl)
        .put("user", user.toJson());
  }

  private static String requireString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw ApiException.badRequest(field + " is required (a string)");
    }
    return s;
  }

  private static String optionalName(JsonObject body, String fallback) {
    Object value = body.getValue("name");
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isBlank() || s.length() > MAX_NAME_LENGTH) {
      throw ApiException.badRequest("name must be 1-" + MAX_NAME_LENGTH + " characters");
    }
    return s.trim();
  }

  private static String truncate(String name) {
    return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
  }
}
