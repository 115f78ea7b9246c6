package chat.nexus.errors;

/**
 * The error codes of the public contract, shared by REST bodies and Socket.IO acks, with their HTTP
 * status. Whether a client should retry: RATE_LIMITED, AI_BUSY and UNAVAILABLE carry retryAfter;
 * QUOTA_EXCEEDED carries retryAfter and resetAt (ISO-8601) too; the others are final for that
 * request.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  PAYLOAD_TOO_LARGE(413),
  RATE_LIMITED(429),
  QUOTA_EXCEEDED(429),
  INTERNAL(500),
  AI_UPSTREAM(502),
  AI_BUSY(503),
  UNAVAILABLE(503);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
