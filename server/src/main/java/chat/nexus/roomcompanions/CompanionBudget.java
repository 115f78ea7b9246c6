package chat.nexus.roomcompanions;

import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmRequest;
import io.vertx.core.Future;

/**
 * Whose tokens pay for a reply in a room, and the count of what it cost: the usage and quota
 * accounting. {@code payerId} is the mentioning user, or the owner who added the companion when the
 * room sponsors it. {@link #NONE} admits everyone and counts nothing.
 */
public interface CompanionBudget {

  /**
   * Completes when the payer may spend; fails with an ApiException (its code and message go to the
   * mentioning user, e.g. a quota's) when not. Called on an event loop: must not block.
   */
  Future<Void> admit(String payerId);

  /** Counts {@code call}, made from {@code request}, against the payer when it ends; the call. */
  LlmCall track(String payerId, String characterId, LlmRequest request, LlmCall call);

  CompanionBudget NONE =
      new CompanionBudget() {
        @Override
        public Future<Void> admit(String payerId) {
          return Future.succeededFuture();
        }

        @Override
        public LlmCall track(String payerId, String characterId, LlmRequest request, LlmCall call) {
          return call;
        }
      };
}
