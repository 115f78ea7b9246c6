package chat.nexus.engineio;

/** An Engine.IO packet or payload that does not follow the protocol. */
public final class EngineParseException extends Exception {
  public EngineParseException(String message) {
    super(message, null, false, false);
  }
}
