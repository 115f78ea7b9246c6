package chat.nexus.errors;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client should hear about, in the contract's error shape: {@code {"ok": false,
 * "error": {"code", "message", "retryAfter"?}}}. Thrown or failed-with anywhere; mapped to an HTTP
 * response or an ack in one place each.
 */
public final class ApiException extends RuntimeException {

  private final ErrorCode code;
  private final Long retryAfterSeconds;

  public ApiException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ApiException(ErrorCode code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(ErrorCode.BAD_REQUEST, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(ErrorCode.UNAUTHORIZED, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(ErrorCode.FORBIDDEN, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorCode.NOT_FOUND, message);
  }

  public ErrorCode code() {
    return code;
  }

  /** Seconds to wait before retrying, or null. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The error shape. */
  public JsonObject toJson() {
    return errorBody(code, getMessage(), retryAfterSeconds);
  }

  public static JsonObject errorBody(ErrorCode code, String message, Long retryAfterSeconds) {
    JsonObject error = new JsonObject().put("code", code.name()).put("message", message);
    if (retryAfterSeconds != null) {
      error.put("retryAfter", retryAfterSeconds);
    }
    return new JsonObject().put("ok", false).put("error", error);
  }

  /** Any failure as the error shape; unexpected ones become INTERNAL without leaking details. */
  public static JsonObject toJson(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api.toJson();
    }
    return errorBody(ErrorCode.INTERNAL, "internal error", null);
  }
}
