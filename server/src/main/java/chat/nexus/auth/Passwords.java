package chat.nexus.auth;

import com.password4j.Password;

/**
 * Password hashing with Argon2id through Password4j (its defaults follow the OWASP recommendation).
 * Deliberately slow: call from a worker thread, never an event loop.
 */
public final class Passwords {

  public static final int MIN_LENGTH = 8;
  public static final int MAX_LENGTH = 128;

  private Passwords() {}

  public static String hash(String password) {
    return Password.hash(password).addRandomSalt().withArgon2().getResult();
  }

  public static boolean verify(String password, String hash) {
    return hash != null && Password.check(password, hash).withArgon2();
  }
}
