package chat.nexus.errors;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client should hear about, in the contract's error shape: {@code {"ok": false,
 * "error": {"code", "message", "retryAfter"?, ...details}}}. Thrown or failed-with anywhere; mapped
 * to an HTTP response or an ack in one place each. Open for kinds of failure that carry more for
 * the server's own use (an LLM failure's reason), never for the client's eyes beyond the shape.
 */
public class ApiException extends RuntimeException {

  private final ErrorCode code;
  private final Long retryAfterSeconds;

  /** Extra fields of the error object (QUOTA_EXCEEDED's resetAt), or null. */
  private final JsonObject details;

  public ApiException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ApiException(ErrorCode code, String message, Long retryAfterSeconds) {
    this(code, message, retryAfterSeconds, null);
  }

  /**
   * @param details fields added to the error object beside code, message and retryAfter
   */
  public ApiException(ErrorCode code, String message, Long retryAfterSeconds, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details == null ? null : details.copy();
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
    JsonObject body = errorBody(code, getMessage(), retryAfterSeconds);
    if (details != null) {
      details.forEach(field -> body.getJsonObject("error").put(field.getKey(), field.getValue()));
    }
    return body;
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
