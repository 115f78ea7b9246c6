package chat.nexus.companion;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a lorebook's keys occur in a text. One substring search per key costs keys x text (and
 * far more for keys like "aaa...b" in a text of "a"s); this looks for all keys of one length at
 * once with a rolling hash (Rabin-Karp), so a search costs the text's length once per distinct key
 * length, whatever the number of keys. Built once per card, searched on each companion message.
 * Candidates are confirmed by comparing the text, so a hash collision costs a comparison, never a
 * wrong match; hashing is modulo 2^61-1 with a secret random base, so keys cannot be chosen to
 * collide.
 *
 * <p>The tables are a few flat arrays whatever the number of keys (all keys in one character array,
 * one open-addressing table per key length): a card is kept in memory for minutes, and thousands of
 * small objects per card would cost the garbage collector more than the search itself. No library
 * does this without a new dependency (Aho-Corasick implementations exist, but their tries weigh far
 * more per key).
 */
final class LoreKeys {

  private static final long MOD = (1L << 61) - 1;

  /** Drawn once per process, above any UTF-16 unit. */
  private static final long BASE =
      (1L << 16) + 1 + Math.floorMod(new SecureRandom().nextLong(), MOD - (1L << 17));

  private static final int EMPTY = -1;

  static final LoreKeys NONE = new Builder().build();

  /**
   * Every key, one after the other; key {@code id} is {@code chars[starts[id] .. starts[id + 1])}.
   */
  private final char[] chars;

  private final int[] starts;

  /**
   * Distinct key lengths, ascending, and per length: BASE^(length-1), and a table of (hash, key id)
   * slots.
   */
  private final int[] lengths;

  private final long[] powers;
  private final long[][] slotHashes;
  private final int[][] slotIds;

  private LoreKeys(
      char[] chars,
      int[] starts,
      int[] lengths,
      long[] powers,
      long[][] slotHashes,
      int[][] slotIds) {
    this.chars = chars;
    this.starts = starts;
    this.lengths = lengths;
    this.powers = powers;
    this.slotHashes = slotHashes;
    this.slotIds = slotIds;
  }

  /** Collects distinct keys; each gets an id. */
  static final class Builder {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> keys = new ArrayList<>();

    int add(String key) {
      return ids.computeIfAbsent(
          key,
          k -> {
            keys.add(k);
            return keys.size() - 1;
          });
    }

    LoreKeys build() {
      int n = keys.size();
      int[] starts = new int[n + 1];
      for (int id = 0; id < n; id++) {
        starts[id + 1] = starts[id] + keys.get(id).length();
      }
      char[] chars = new char[starts[n]];
      for (int id = 0; id < n; id++) {
        keys.get(id).getChars(0, keys.get(id).length(), chars, starts[id]);
      }
      int[] lengths =
          keys.stream().mapToInt(String::length).filter(l -> l > 0).distinct().sorted().toArray();
      long[] powers = new long[lengths.length];
      long[][] slotHashes = new long[lengths.length][];
      int[][] slotIds = new int[lengths.length][];
      for (int index = 0; index < lengths.length; index++) {
        int length = lengths[index];
        powers[index] = power(length - 1);
        int count = (int) keys.stream().filter(k -> k.length() == length).count();
        int size =
            Integer.highestOneBit(Math.max(2, count) * 2 - 1)
                << 1; // a power of two, at most half full
        long[] hashes = new long[size];
        int[] slots = new int[size];
        Arrays.fill(slots, EMPTY);
        for (int id = 0; id < n; id++) {
          if (keys.get(id).length() == length) {
            long hash = hash(keys.get(id), 0, length);
            int slot = slot(hash, size);
            while (slots[slot] != EMPTY) {
              slot = (slot + 1) & (size - 1);
            }
            hashes[slot] = hash;
            slots[slot] = id;
          }
        }
        slotHashes[index] = hashes;
        slotIds[index] = slots;
      }
      return new LoreKeys(chars, starts, lengths, powers, slotHashes, slotIds);
    }
  }

  int size() {
    return starts.length - 1;
  }

  /** Bytes these tables hold, for the cache's weight. */
  long bytes() {
    long bytes = 2L * chars.length + 4L * starts.length;
    for (int[] slots : slotIds) {
      bytes += 12L * slots.length;
    }
    return bytes;
  }

  /** The ids of the keys that occur in {@code text}. */
  BitSet find(String text) {
    BitSet found = new BitSet(size());
    int n = text.length();
    for (int index = 0; index < lengths.length && lengths[index] <= n; index++) {
      int length = lengths[index];
      long power = powers[index];
      long[] hashes = slotHashes[index];
      int[] ids = slotIds[index];
      long hash = hash(text, 0, length);
      for (int start = 0; ; start++) {
        for (int slot = slot(hash, ids.length);
            ids[slot] != EMPTY;
            slot = (slot + 1) & (ids.length - 1)) {
          if (hashes[slot] == hash
              && !found.get(ids[slot])
              && matches(text, start, ids[slot], length)) {
            found.set(ids[slot]);
          }
        }
        int end = start + length;
        if (end >= n) {
          break;
        }
        hash = Math.floorMod(hash - mul(text.charAt(start), power), MOD);
        hash = add(mul(hash, BASE), text.charAt(end));
      }
    }
    return found;
  }

  private boolean matches(String text, int at, int id, int length) {
    int from = starts[id];
    for (int i = 0; i < length; i++) {
      if (text.charAt(at + i) != chars[from + i]) {
        return false;
      }
    }
    return true;
  }

  private static int slot(long hash, int size) {
    return (int) ((hash ^ (hash >>> 29)) & (size - 1));
  }

  private static long hash(CharSequence text, int from, int to) {
    long hash = 0;
    for (int i = from; i < to; i++) {
      hash = add(mul(hash, BASE), text.charAt(i));
    }
    return hash;
  }

  private static long power(int exponent) {
    long result = 1;
    for (int i = 0; i < exponent; i++) {
      result = mul(result, BASE);
    }
    return result;
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return sum >= MOD ? sum - MOD : sum;
  }

  /** a * b mod 2^61-1 for a, b below the modulus: 2^64 is 8 modulo 2^61-1. */
  private static long mul(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    long folded = (low & MOD) + (low >>> 61) + (high << 3);
    folded = (folded & MOD) + (folded >>> 61);
    return folded >= MOD ? folded - MOD : folded;
  }
}
