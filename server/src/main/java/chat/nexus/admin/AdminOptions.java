package chat.nexus.admin;

import chat.nexus.config.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's credentials for the admin surface (the Admin UI's namespace, the drain route):
 * ADMIN_USERNAME (default {@value #DEFAULT_USERNAME}) and ADMIN_PASSWORD. Without a password the
 * admin surface is off: there is no default password to forget to change.
 *
 * @param username ADMIN_USERNAME
 * @param password ADMIN_PASSWORD, or empty when the admin surface is off
 */
public record AdminOptions(String username, Optional<String> password) {

  public static final String DEFAULT_USERNAME = "admin";

  /** Long enough that guessing it over the network is hopeless at any rate limit. */
  public static final int MIN_PASSWORD_CHARS = 16;

  public static AdminOptions fromEnv(Map<String, String> env) {
    Settings s = new Settings(env);
    Optional<String> password = Optional.ofNullable(s.raw("ADMIN_PASSWORD"));
    if (password.isPresent() && password.get().length() < MIN_PASSWORD_CHARS) {
      s.problem(
          "ADMIN_PASSWORD must be at least " + MIN_PASSWORD_CHARS + " characters"); // not the value
    }
    s.check();
    return new AdminOptions(s.string("ADMIN_USERNAME", DEFAULT_USERNAME), password);
  }

  /** No admin surface. */
  public static AdminOptions off() {
    return new AdminOptions(DEFAULT_USERNAME, Optional.empty());
  }

  public boolean enabled() {
    return password.isPresent();
  }

  /**
   * Whether these are the admin's credentials; always false when the admin surface is off. Compares
   * digests in constant time, so the time taken tells nothing of how much matched.
   */
  public boolean accepts(String user, String pass) {
    if (password.isEmpty() || user == null || pass == null) {
      return false;
    }
    boolean userOk = MessageDigest.isEqual(digest(user), digest(username));
    boolean passOk = MessageDigest.isEqual(digest(pass), digest(password.get()));
    return userOk & passOk;
  }

  /** Whether an {@code Authorization: Basic ...} header carries the admin's credentials. */
  public boolean acceptsBasic(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    return colon >= 0 && accepts(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  /** For the start-up line: never the password. */
  public String description() {
    return enabled() ? "on (user " + username + ")" : "off (ADMIN_PASSWORD not set)";
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
