package chat.nexus.auth;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.socketio.ConnectError;
import chat.nexus.socketio.Middleware;
import chat.nexus.socketio.Socket;
import chat.nexus.socketio.adapter.PersistedSession;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The Socket.IO middleware that lets only signed-in clients connect: it finds who a socket is and
 * gives it its {@link SocketSession}, or refuses the handshake. It runs on a recovery too (a {pid,
 * offset} is no credential).
 */
public final class SocketAuthentication implements Middleware {

  private static final String BEARER = "Bearer ";

  private final AuthService auth;
  private final Optional<SessionCookie> cookies;
  private final List<String> corsOrigins;

  /**
   * @param corsOrigins the allowed origins of browser pages (CORS_ORIGINS); empty allows any
   */
  public SocketAuthentication(
      AuthService auth, Optional<SessionCookie> cookies, List<String> corsOrigins) {
    this.auth = auth;
    this.cookies = cookies;
    this.corsOrigins = List.copyOf(corsOrigins);
  }

  @Override
  public Future<Void> apply(Socket socket) {
    return identity(socket)
        .onSuccess(identity -> SocketSession.start(socket, identity))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(refusal(e)));
  }

  /**
   * For {@code SocketIoOptions.recoveryCheck}: a recovering socket, authenticated again, takes over
   * only a session of the same user (whose identity is in the data kept for recovery).
   */
  public static boolean sameUser(PersistedSession previous, Socket socket) {
    return previous.data() != null
        && SocketSession.userIdIn(previous.data())
            .map(before -> before.equals(SocketSession.of(socket).userId()))
            .orElse(false);
  }

  /**
   * Who a socket is: its token, or else the session cookie of the handshake. A cookie from a
   * browser page of another origin is refused when CORS_ORIGINS names the allowed ones (cross-site
   * websocket hijacking).
   */
  private Future<Identity> identity(Socket socket) {
    String token = token(socket);
    if (token != null) {
      return auth.authenticate(token);
    }
    Optional<String> sessionId =
        cookies.flatMap(
            c -> c.verify(SessionCookie.fromHeader(socket.handshake().headers().get("cookie"))));
    if (sessionId.isEmpty()) {
      return Future.failedFuture(ApiException.unauthorized("missing token"));
    }
    String origin = socket.handshake().headers().get("origin");
    if (origin != null && !corsOrigins.isEmpty() && !corsOrigins.contains(origin)) {
      return Future.failedFuture(ApiException.unauthorized("cookie from a page of another origin"));
    }
    return auth.authenticateSession(sessionId.get());
  }

  /**
   * What a refused handshake tells the client: "unauthorized" for a bad or ended credential (sign
   * in again), "unavailable" with the error shape as data when the server could not check it (a
   * database or hashing pool fault: keep the credential, connect again after retryAfter).
   */
  static ConnectError refusal(Throwable failure) {
    if (failure instanceof ApiException api && api.code() == ErrorCode.UNAVAILABLE) {
      return new ConnectError("unavailable", api.toJson().getJsonObject("error"));
    }
    return new ConnectError("unauthorized");
  }

  /** The token of a socket: auth {token}, or an Authorization: Bearer header on the handshake. */
  private static String token(Socket socket) {
    Object token = socket.handshake().auth().getValue("token");
    if (token instanceof String t && !t.isBlank()) {
      return t;
    }
    String header = socket.handshake().headers().get("authorization");
    return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim()
        : null;
  }
}
