package chat.nexus.companion;

import io.vertx.core.Future;

/**
 * Where one companion turn is answered: the client's side of the companion streaming protocol (a
 * socket's {@code companion:*} events, a server-sent event stream, or one JSON answer). {@link
 * CompanionReplies} drives it: {@link #started} once the user message is stored, then {@link
 * #token} for each coalesced delta, then {@link #done} or {@link #failed} (never both, and neither
 * when the turn was cancelled because the client went away).
 */
interface CompanionStream {

  /** Whether the client is still there to be answered. */
  boolean open();

  /**
   * The user message is stored and its reply has begun: the stream may keep the turn to cancel it
   * when its client goes away. The deltas go out once the returned future completes (a socket
   * acknowledges the message first).
   */
  Future<Void> started(CompanionTurn turn);

  /** Part of the reply to the user message {@code messageId}. */
  void token(long messageId, String delta);

  /** The whole reply, stored. */
  void done(CompanionTurn turn, CompanionMessage reply);

  /** The reply failed: an ApiException (the contract's error shape), or an unexpected failure. */
  void failed(CompanionTurn turn, Throwable cause);
}
