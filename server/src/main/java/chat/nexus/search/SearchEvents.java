package chat.nexus.search;

import chat.nexus.auth.SocketSession;
import chat.nexus.chat.EventAcks;
import chat.nexus.ratelimit.RateLimits;
import chat.nexus.socketio.Socket;

/**
 * The {@code search} event: the payload {@code {q, roomId?, before?, limit?}} and the answer {@code
 * {ok, messages, nextBefore}} of {@code GET /api/search}, counted against the events budget and the
 * search budget ({@link SearchRoutes#LIMIT}) of the socket's user.
 */
public final class SearchEvents {

  private final MessageSearch search;
  private final RateLimits limits;

  public SearchEvents(MessageSearch search, RateLimits limits) {
    this.search = search;
    this.limits = limits;
  }

  /** Wires a newly connected, authenticated socket. */
  public void attach(Socket socket) {
    String userId = SocketSession.of(socket).userId();
    socket.on(
        "search",
        event ->
            EventAcks.handle(
                event,
                limits.event(socket, userId, limits.events(), SearchRoutes.LIMIT),
                payload ->
                    search.search(
                        userId,
                        SearchRequest.of(
                            payload.getValue("q"),
                            payload.getValue("roomId"),
                            payload.getValue("before"),
                            payload.getValue("limit")))));
  }
}
