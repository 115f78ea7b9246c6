package chat.nexus.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * Spreads calls over several API keys: each call takes the key with the fewest calls in flight
 * among those not cooling down after a 429; when all are cooling down, the one that recovers first.
 * Keys never leave this class in logs or errors (see {@link Key#toString()}). Thread-safe.
 */
public final class KeyPool {

  /** One API key and its state. */
  public static final class Key {
    private final String secret;
    private final int index;
    private int inFlight;
    private long coolUntilMs;
    private long uses;

    private Key(String secret, int index) {
      this.secret = secret;
      this.index = index;
    }

    /** The secret, for the Authorization header only. */
    public String secret() {
      return secret;
    }

    /** A stable label for logs and metrics: "key-1", never the secret. */
    public String label() {
      return "key-" + (index + 1);
    }

    @Override
    public String toString() {
      return label();
    }
  }

  private final List<Key> keys = new ArrayList<>();

  public KeyPool(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one key is needed");
    }
    for (int i = 0; i < secrets.size(); i++) {
      keys.add(new Key(secrets.get(i), i));
    }
  }

  /** Takes the best key now; give it back with {@link #release}. */
  public synchronized Key acquire(long nowMs) {
    Key best = null;
    for (Key key : keys) {
      boolean cool = key.coolUntilMs <= nowMs;
      if (best == null) {
        best = key;
        continue;
      }
      boolean bestCool = best.coolUntilMs <= nowMs;
      if (cool && !bestCool) {
        best = key;
      } else if (cool == bestCool) {
        if (cool ? key.inFlight < best.inFlight : key.coolUntilMs < best.coolUntilMs) {
          best = key;
        }
      }
    }
    best.inFlight++;
    best.uses++;
    return best;
  }

  public synchronized void release(Key key) {
    key.inFlight--;
  }

  /** The upstream said 429 for this key, or that it has nothing left: leave it alone a while. */
  public synchronized void coolDown(Key key, long untilMs) {
    key.coolUntilMs = Math.max(key.coolUntilMs, untilMs);
  }

  public synchronized int inFlight(Key key) {
    return key.inFlight;
  }

  public synchronized long uses(int index) {
    return keys.get(index).uses;
  }

  public int size() {
    return keys.size();
  }
}
