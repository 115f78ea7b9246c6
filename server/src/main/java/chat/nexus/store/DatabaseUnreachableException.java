package chat.nexus.store;

/**
 * The database could not be reached at start (or refused the connection): one line for the operator
 * that names the setting and where it points, never a password.
 */
public final class DatabaseUnreachableException extends RuntimeException {

  public DatabaseUnreachableException(String message) {
    super(message, null, false, false);
  }
}
