package chat.nexus;

import chat.nexus.auth.AuthOptions;
import chat.nexus.auth.AuthService;
import chat.nexus.auth.LiveSockets;
import chat.nexus.auth.PasswordHasher;
import chat.nexus.auth.Tokens;
import chat.nexus.store.UserStore;
import io.vertx.core.Vertx;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in and what lasts after it: tokens, password hashing, the sign-in service, the sockets of
 * each login session, and the hourly pruning of replaced refresh tokens.
 */
final class Accounts {

  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

  /** Replaced refresh tokens are forgotten once they would have expired; checked hourly. */
  static final long RETIRED_TOKENS_PRUNE_MS = 60 * 60 * 1000;

  private final Vertx vertx;
  private final Tokens tokens;
  private final PasswordHasher hasher;
  private final AuthService auth;
  private final LiveSockets liveSockets;
  private final long pruneTimer;

  private Accounts(
      Vertx vertx,
      Tokens tokens,
      PasswordHasher hasher,
      AuthService auth,
      LiveSockets liveSockets,
      long pruneTimer) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.hasher = hasher;
    this.auth = auth;
    this.liveSockets = liveSockets;
    this.pruneTimer = pruneTimer;
  }

  static Accounts start(
      Vertx vertx, ServerConfig settings, Storage storage, Production production) {
    AuthOptions options = settings.auth();
    Tokens tokens = new Tokens(vertx, settings.core().jwtSecret(), options);
    PasswordHasher hasher = new PasswordHasher(vertx, options.hashThreads(), options.hashQueue());
    AuthService auth =
        new AuthService(
            tokens,
            new UserStore(storage.database()),
            production.sessions(),
            storage.blocking(),
            hasher,
            production.revocations(),
            settings.core().allowGuests(),
            production.login());
    LiveSockets liveSockets =
        new LiveSockets(
            vertx,
            production.revocations(),
            auth::sessionEnded,
            production.sessions()::ended,
            options.sessionCheckMs());
    long pruneTimer =
        vertx.setPeriodic(
            RETIRED_TOKENS_PRUNE_MS,
            id ->
                production
                    .sessions()
                    .pruneRetired(Instant.now().minusSeconds(Tokens.REFRESH_TOKEN_TTL_SECONDS))
                    .onFailure(
                        e -> LOG.warn("pruning replaced refresh tokens failed: {}", e.toString())));
    return new Accounts(vertx, tokens, hasher, auth, liveSockets, pruneTimer);
  }

  AuthService auth() {
    return auth;
  }

  /** This node's sockets by login session; closed first on shutdown (no more session checks). */
  LiveSockets liveSockets() {
    return liveSockets;
  }

  /** Stops the pruning timer, the JWKS key fetching (JWT_JWKS_URL) and the hashing threads. */
  void close() {
    vertx.cancelTimer(pruneTimer);
    tokens.close();
    hasher.close();
  }
}
