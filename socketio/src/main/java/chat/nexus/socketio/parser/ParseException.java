package chat.nexus.socketio.parser;

/** A packet that does not follow the Socket.IO v5 format. The message says what is wrong. */
public final class ParseException extends Exception {
  public ParseException(String message) {
    super(message, null, false, false);
  }
}
