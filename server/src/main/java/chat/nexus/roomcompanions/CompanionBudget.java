package chat.nexus.roomcompanions;

import io.vertx.core.Future;

/**
 * Whose tokens pay for a reply in a room, and the count of what it cost: the seam to the usage and
 * quota accounting. {@code payerId} is the mentioning user, or the owner who added the companion
 * when the room sponsors it. {@link #NONE} admits everyone and counts nothing.
 */
public interface CompanionBudget {

  /**
   * Completes when the payer may spend; fails with an ApiException (its code and message go to the
   * mentioning user, e.g. a quota's) when not. Called on an event loop: must not block.
   */
  Future<Void> admit(String payerId);

  /** A reply's cost, once it is done; {@code promptTokens} null when the upstream did not say. */
  void spent(String payerId, String characterId, Integer promptTokens, int completionTokens);

  CompanionBudget NONE =
      new CompanionBudget() {
        @Override
        public Future<Void> admit(String payerId) {
          return Future.succeededFuture();
        }

        @Override
        public void spent(
            String payerId, String characterId, Integer promptTokens, int completionTokens) {}
      };
}
