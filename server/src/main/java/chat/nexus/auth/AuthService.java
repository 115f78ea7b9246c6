package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.ratelimit.Limit;
import chat.nexus.store.Blocking;
import chat.nexus.store.Handles;
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

/**
 * Sign-up, login, refresh, logout and guests; and checking the token of every REST call and socket.
 * Sessions live in the database; JDBC runs on the {@link Blocking} pool, password hashing on the
 * bounded {@link PasswordHasher}; a session that ends is announced to every node ({@link
 * SessionRevocations}).
 */
public final class AuthService {

  /**
   * A replaced refresh token presented again this soon is taken for a client racing itself (two
   * tabs refreshing at the same moment) and only refused; later, for a stolen token, and ends the
   * session.
   */
  static final Duration REUSE_GRACE = Duration.ofSeconds(10);

  /**
   * How long a session's "active" status is trusted before asking the database again (other nodes'
   * logouts).
   */
  static final Duration SESSION_CACHE_TTL = Duration.ofSeconds(5);

  static final Duration USER_CACHE_TTL = Duration.ofMinutes(10);
  static final long CACHE_SIZE = 100_000;

  private final Tokens tokens;
  private final UserStore users;
  private final SessionStore sessions;
  private final Blocking blocking;
  private final PasswordHasher hasher;
  private final SessionRevocations revocations;
  private final boolean allowGuests;
  private final Limit loginLimit;
  private final Cache<String, Boolean> activeSessions =
      Caffeine.newBuilder().expireAfterWrite(SESSION_CACHE_TTL).maximumSize(CACHE_SIZE).build();

  /** Cookie sessions recently found active, trusted as long as activeSessions trusts a status. */
  private final Cache<String, Identity> sessionIdentities =
      Caffeine.newBuilder().expireAfterWrite(SESSION_CACHE_TTL).maximumSize(CACHE_SIZE).build();

  private final Cache<String, User> knownUsers =
      Caffeine.newBuilder().expireAfterWrite(USER_CACHE_TTL).maximumSize(CACHE_SIZE).build();

  public AuthService(
      Tokens tokens,
      UserStore users,
      SessionStore sessions,
      Blocking blocking,
      PasswordHasher hasher,
      SessionRevocations revocations,
      boolean allowGuests,
      Limit loginLimit) {
    this.tokens = tokens;
    this.users = users;
    this.sessions = sessions;
    this.blocking = blocking;
    this.hasher = hasher;
    this.revocations = revocations;
    this.allowGuests = allowGuests;
    this.loginLimit = loginLimit;
    revocations.onRevoked((sessionId, reason) -> forget(sessionId));
  }

  /**
   * Sign-up and login attempts per client address (LOGIN_RATE_LIMIT_MAX per
   * LOGIN_RATE_LIMIT_WINDOW_MS).
   */
  public Limit loginLimit() {
    return loginLimit;
  }

  /** Whether this node knows the session has ended (logged out here, or told by another node). */
  public boolean sessionEnded(String sessionId) {
    return Boolean.FALSE.equals(activeSessions.getIfPresent(sessionId));
  }

  private void forget(String sessionId) {
    activeSessions.put(sessionId, false);
    sessionIdentities.invalidate(sessionId);
  }

  /**
   * Verifies a token, refuses revoked sessions, and makes sure its user exists (created on first
   * sight).
   */
  public Future<Identity> authenticate(String token) {
    return tokens
        .verify(token)
        .compose(
            identity -> checkSession(identity).compose(v -> ensureUser(identity)).map(identity));
  }

  private Future<Void> checkSession(Identity identity) {
    if (identity.sessionId() == null) {
      return Future.succeededFuture();
    }
    return sessionActive(identity.sessionId())
        .compose(
            ok ->
                ok
                    ? Future.succeededFuture()
                    : Future.failedFuture(ApiException.unauthorized("session has ended")));
  }

  private Future<Boolean> sessionActive(String sessionId) {
    Boolean cached = activeSessions.getIfPresent(sessionId);
    return cached != null
        ? Future.succeededFuture(cached)
        : sessions
            .findById(sessionId)
            .map(s -> s.map(found -> found.isActive(Instant.now())).orElse(false))
            .onSuccess(value -> activeSessions.put(sessionId, value));
  }

  /**
   * The identity of an active login session (the session cookie); UNAUTHORIZED when it has ended.
   */
  public Future<Identity> authenticateSession(String sessionId) {
    ApiException ended = ApiException.unauthorized("session has ended");
    if (Boolean.FALSE.equals(activeSessions.getIfPresent(sessionId))) {
      return Future.failedFuture(ended);
    }
    Identity cached = sessionIdentities.getIfPresent(sessionId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return sessions
        .findById(sessionId)
        .compose(
            found -> {
              if (found.isEmpty() || !found.get().isActive(Instant.now())) {
                activeSessions.put(sessionId, false);
                return Future.failedFuture(ended);
              }
              return user(found.get().userId())
                  .compose(
                      user ->
                          user == null
                              ? Future.failedFuture(ended)
                              : Future.succeededFuture(
                                  new Identity(user.id(), user.name(), sessionId)));
            })
        .onSuccess(identity -> sessionIdentities.put(sessionId, identity));
  }

  private Future<Void> ensureUser(Identity identity) {
    if (knownUsers.getIfPresent(identity.userId()) != null) {
      return Future.succeededFuture();
    }
    String name = Names.clean(identity.name());
    return blocking
        .run(
            () ->
                users.ensureExternal(
                    identity.userId(), name.isEmpty() ? Names.clean(identity.userId()) : name))
        .onSuccess(user -> knownUsers.put(user.id(), user))
        .mapEmpty();
  }

  /** The stored user, or null. */
  public Future<User> user(String userId) {
    User cached = knownUsers.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return blocking
        .run(() -> users.findById(userId).orElse(null))
        .onSuccess(
            user -> {
              if (user != null) {
                knownUsers.put(user.id(), user);
              }
            });
  }

  /**
   * A successful sign-in: the JSON answer, and the session it started or continued (for the
   * cookie).
   *
   * @param body the response body ({ok, token, refreshToken?, expiresIn, user})
   * @param sessionId the login session
   * @param sessionTtlSeconds how long the session lasts (the cookie's Max-Age)
   */
  public record SignedIn(JsonObject body, String sessionId, long sessionTtlSeconds) {}

  public Future<SignedIn> register(JsonObject body) {
    SignInForm form = SignInForm.signUp(body);
    String username = form.username();
    String password = form.password();
    Object requested = body.getValue("handle");
    String handle = requested == null ? null : Handles.validate(requested);
    ApiException taken = new ApiException(ErrorCode.CONFLICT, "username is taken");
    ApiException handleTaken =
        new ApiException(ErrorCode.CONFLICT, "handle @" + handle + " is taken: choose another");
    // Looked up first so that a taken name costs no hashing; the unique indexes settle a race.
    return blocking
        .run(
            () -> {
              if (users.findByUsername(username).isPresent()) {
                throw taken;
              }
              if (handle != null && users.handleTaken(handle)) {
                throw handleTaken;
              }
              return null;
            })
        .compose(v -> hasher.hash(password))
        .compose(
            hash ->
                blocking.run(
                    () -> {
                      User user =
                          new User(
                              tokens.newId(),
                              username,
                              form.name(),
                              User.PASSWORD,
                              handle != null ? handle : users.freeHandle(username));
                      return users.insert(user, hash) ? user : null;
                    }))
        .compose(
            user ->
                user != null
                    ? startSession(user, Tokens.ACCESS_TOKEN_TTL_SECONDS)
                    : Future.failedFuture(handle != null ? handleTaken : taken));
  }

  public Future<SignedIn> login(JsonObject body) {
    SignInForm form = SignInForm.login(body);
    String username = form.username();
    String password = form.password();
    ApiException refused = ApiException.unauthorized("invalid username or password");
    return blocking
        .run(
            () -> {
              Optional<User> user = users.findByUsername(username);
              return new Candidate(
                  user.orElse(null),
                  user.isEmpty() ? null : users.passwordHash(user.get().id()).orElse(null));
            })
        .compose(
            candidate ->
                hasher
                    .verify(password, candidate.hash())
                    .map(ok -> ok && candidate.user() != null ? candidate.user() : null))
        .compose(
            user ->
                user == null
                    ? Future.failedFuture(refused)
                    : startSession(user, Tokens.ACCESS_TOKEN_TTL_SECONDS));
  }

  private record Candidate(User user, String hash) {}

  public Future<SignedIn> guest(JsonObject body) {
    if (!allowGuests) {
      return Future.failedFuture(ApiException.forbidden("guest access is disabled"));
    }
    String name = SignInForm.guestName(body);
    String id = "guest-" + tokens.newId();
    return blocking
        .run(() -> insertGuest(id, name))
        .compose(user -> startSession(user, Tokens.GUEST_TOKEN_TTL_SECONDS));
  }

  /** A guest's handle is its name and a random suffix; a rare clash is retried with another. */
  private User insertGuest(String id, String name) throws java.sql.SQLException {
    for (int i = 0; i < GUEST_HANDLE_TRIES; i++) {
      User user = new User(id, null, name, User.GUEST, Handles.withSuffix(name));
      if (users.insert(user, null)) {
        return user;
      }
    }
    throw new IllegalStateException("no free guest handle after " + GUEST_HANDLE_TRIES + " tries");
  }

  static final int GUEST_HANDLE_TRIES = 5;

  /**
   * Forgets the cached user: its name or handle changed (here or, told through Redis, on another
   * node).
   */
  public void userChanged(String userId) {
    knownUsers.invalidate(userId);
  }

  /** Forgets every cached user: any may have changed (told through Redis). */
  public void usersChanged() {
    knownUsers.invalidateAll();
  }

  /**
   * Trades a refresh token for a new access token and a new refresh token (the old one stops
   * working). A replaced token presented again ends its session everywhere (it was copied: a thief
   * or the victim holds the other copy), unless within {@link #REUSE_GRACE} of its replacement.
   */
  public Future<SignedIn> refresh(JsonObject body) {
    String refreshToken = SignInForm.requireString(body, "refreshToken");
    String newToken = tokens.newRefreshToken();
    Instant expires = Instant.now().plusSeconds(Tokens.REFRESH_TOKEN_TTL_SECONDS);
    ApiException refused = ApiException.unauthorized("invalid or expired refresh token");
    return sessions
        .rotate(Tokens.hashRefreshToken(refreshToken), Tokens.hashRefreshToken(newToken), expires)
        .compose(
            rotation -> {
              if (rotation instanceof SessionStore.Rotation.Rotated rotated) {
                String sessionId = rotated.session().id();
                return user(rotated.session().userId())
                    .compose(
                        user ->
                            user == null
                                ? Future.failedFuture(refused)
                                : Future.succeededFuture(
                                    new SignedIn(
                                        tokenResponse(
                                            user,
                                            sessionId,
                                            newToken,
                                            Tokens.ACCESS_TOKEN_TTL_SECONDS),
                                        sessionId,
                                        Tokens.REFRESH_TOKEN_TTL_SECONDS)));
              }
              if (rotation instanceof SessionStore.Rotation.Reused reused) {
                if (reused.retiredAt().plus(REUSE_GRACE).isAfter(Instant.now())) {
                  return Future.failedFuture(
                      ApiException.unauthorized(
                          "this refresh token has just been used; use the new one"));
                }
                return endSession(reused.sessionId(), SessionEnd.REFRESH_TOKEN_REUSED)
                    .compose(
                        v ->
                            Future.failedFuture(
                                ApiException.unauthorized(
                                    "this refresh token was already used: the session has ended, sign in again")));
              }
              return Future.failedFuture(refused);
            });
  }

  /**
   * A new access token for the session of a session cookie (the web client's refresh): no refresh
   * token in the answer, the cookie is the client's lasting credential.
   */
  public Future<SignedIn> refreshSession(Identity cookieIdentity) {
    return user(cookieIdentity.userId())
        .compose(
            user -> {
              if (user == null) {
                return Future.failedFuture(ApiException.unauthorized("session has ended"));
              }
              JsonObject body =
                  tokenResponse(
                      user, cookieIdentity.sessionId(), null, Tokens.ACCESS_TOKEN_TTL_SECONDS);
              body.remove("refreshToken");
              return Future.succeededFuture(
                  new SignedIn(body, cookieIdentity.sessionId(), Tokens.REFRESH_TOKEN_TTL_SECONDS));
            });
  }

  /**
   * Ends the session of the calling token: its refresh token, access tokens and sockets stop
   * working.
   */
  public Future<Void> logout(Identity identity) {
    if (identity.sessionId() == null) {
      return Future.succeededFuture();
    }
    return endSession(identity.sessionId(), SessionEnd.LOGOUT);
  }

  /** Revokes a session in the database, then tells every node (caches, sockets). */
  private Future<Void> endSession(String sessionId, String reason) {
    forget(sessionId);
    return sessions.revoke(sessionId).onSuccess(v -> revocations.revoked(sessionId, reason));
  }

  private Future<SignedIn> startSession(User user, long accessTtl) {
    String sessionId = tokens.newId();
    String refreshToken = tokens.newRefreshToken();
    Instant expires = Instant.now().plusSeconds(Tokens.REFRESH_TOKEN_TTL_SECONDS);
    return sessions
        .create(sessionId, user.id(), Tokens.hashRefreshToken(refreshToken), expires)
        .map(
            v -> {
              knownUsers.put(user.id(), user);
              activeSessions.put(sessionId, true);
              return new SignedIn(
                  tokenResponse(user, sessionId, refreshToken, accessTtl),
                  sessionId,
                  Tokens.REFRESH_TOKEN_TTL_SECONDS);
            });
  }

  private JsonObject tokenResponse(
      User user, String sessionId, String refreshToken, long accessTtl) {
    String token = tokens.issue(new Identity(user.id(), user.name(), sessionId), accessTtl);
    return new JsonObject()
        .put("ok", true)
        .put("token", token)
        .put("refreshToken", refreshToken)
        .put("expiresIn", accessTtl)
        .put("user", user.toJson());
  }
}
