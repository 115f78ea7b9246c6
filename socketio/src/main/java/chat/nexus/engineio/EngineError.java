package chat.nexus.engineio;

import io.vertx.core.json.JsonObject;

/**
 * The HTTP errors of the Engine.IO protocol, with the codes and messages the reference server
 * sends.
 */
public enum EngineError {
  UNKNOWN_TRANSPORT(0, "Transport unknown", 400),
  UNKNOWN_SID(1, "Session ID unknown", 400),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method", 400),
  BAD_REQUEST(3, "Bad request", 400),
  FORBIDDEN(4, "Forbidden", 403),
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", 400),
  /**
   * Not in the reference server: a per-address limit refused the handshake (sent with Retry-After).
   */
  TOO_MANY_REQUESTS(6, "Too many requests", 429);

  private final int code;
  private final String message;
  private final int httpStatus;

  EngineError(int code, String message, int httpStatus) {
    this.code = code;
    this.message = message;
    this.httpStatus = httpStatus;
  }

  public int code() {
    return code;
  }

  public String message() {
    return message;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String body(String detail) {
    return new JsonObject()
        .put("code", code)
        .put("message", detail != null ? detail : message)
        .encode();
  }
}
