package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The imports a node runs at once (a card file, a replaced card, a picture): each may hold an 8 MB
 * body in memory, so a place is taken before the body is read, and given back when the request
 * ends; without one the request is refused with UNAVAILABLE and Retry-After.
 */
final class ImportPlaces {

  /** Imports in progress on this node; each may hold an 8 MB file in memory. */
  static final int MAX_IMPORTS = 4;

  static final long RETRY_AFTER_S = 1;

  private final AtomicInteger taken = new AtomicInteger();

  /** Takes a place; false when all are taken. Give it back with {@link #giveBack()}. */
  boolean take() {
    if (taken.incrementAndGet() > MAX_IMPORTS) {
      taken.decrementAndGet();
      return false;
    }
    return true;
  }

  void giveBack() {
    taken.decrementAndGet();
  }

  /** The refusal when every place is taken. */
  static ApiException busy() {
    return new ApiException(
        ErrorCode.UNAVAILABLE,
        "too many characters are being imported right now; try again in a moment",
        RETRY_AFTER_S);
  }
}
