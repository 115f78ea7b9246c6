package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.UnaryOperator;

/**
 * Password hashing ({@link Passwords}, Argon2id) on a small pool of its own, apart from the
 * database workers, so that a login flood cannot delay history reads and message writes. At most
 * {@code threads} hash at once and {@code queue} wait; beyond that a sign-up or login is answered
 * UNAVAILABLE with retryAfter at once (HTTP 503 + Retry-After) instead of joining an ever longer
 * line.
 */
public final class PasswordHasher implements AutoCloseable {

  /** A hash takes tens of milliseconds: a second later the line has moved on. */
  static final long BUSY_RETRY_SECONDS = 1;

  private final Blocking pool;

  public PasswordHasher(Vertx vertx, int threads, int queue) {
    this.pool =
        new Blocking(
            vertx,
            "nexus-password-hash",
            threads,
            queue,
            UnaryOperator.identity(),
            () ->
                new ApiException(
                    ErrorCode.UNAVAILABLE,
                    "the server is busy signing people in; try again in a moment",
                    BUSY_RETRY_SECONDS));
  }

  public Future<String> hash(String password) {
    return pool.run(() -> Passwords.hash(password));
  }

  /**
   * Whether the password matches the hash; a null hash (no such user) hashes anyway and answers
   * false.
   */
  public Future<Boolean> verify(String password, String hash) {
    return pool.run(
        () -> {
          if (hash == null) {
            Passwords.hash(password); // the same time whether or not the user exists
            return false;
          }
          return Passwords.verify(password, hash);
        });
  }

  @Override
  public void close() {
    pool.close();
  }
}
