package chat.nexus.companion;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of a lorebook's keys occur in a text. One substring search per key costs keys x text (and far more
 * for keys like "aaa...b" in a text of "a"s); this looks for all keys of one length at once with a rolling
 * hash (Rabin-Karp), so a search costs the text's length once per distinct key length, whatever the number
 * of keys. Built once per card, searched on each companion message. Candidates are confirmed by comparing
 * the text, so a hash collision costs a comparison, never a wrong match; hashing is modulo 2^61-1 with a
 * secret random base, so keys cannot be chosen to collide.
 *
 * <p>No library does this for us without a new dependency (Aho-Corasick implementations exist, but their
 * tries weigh far more per key than these tables).
 */
final class LoreKeys {

  private static final long MOD = (1L << 61) - 1;
  /** Drawn once per process, above any UTF-16 unit. */
  private static final long BASE = (1L << 16) + 1 + Math.floorMod(new SecureRandom().nextLong(), MOD - (1L << 17));
  /** Bits of each length's pre-filter: most text positions are ruled out without a map lookup. */
  private static final int FILTER_BITS = 16;
  private static final int FILTER_MASK = (1 << FILTER_BITS) - 1;

  static final LoreKeys NONE = new Builder().build();

  private final String[] keys;
  private final int[] lengths;
  private final long[] powers;
  private final List<Map<Long, int[]>> byHash;
  private final long[][] filters;

  private LoreKeys(String[] keys, int[] lengths, long[] powers, List<Map<Long, int[]>> byHash, long[][] filters) {
    this.keys = keys;
    this.lengths = lengths;
    this.powers = powers;
    this.byHash = byHash;
    this.filters = filters;
  }

  /** Collects distinct keys; each gets an id. */
  static final class Builder {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> keys = new ArrayList<>();

    int add(String key) {
      return ids.computeIfAbsent(key, k -> {
        keys.add(k);
        return keys.size() - 1;
      });
    }

    LoreKeys build() {
      TreeMap<Integer, List<Integer>> byLength = new TreeMap<>();
      for (int id = 0; id < keys.size(); id++) {
        byLength.computeIfAbsent(keys.get(id).length(), l -> new ArrayList<>()).add(id);
      }
      int[] lengths = new int[byLength.size()];
      long[] powers = new long[byLength.size()];
      List<Map<Long, int[]>> byHash = new ArrayList<>();
      long[][] filters = new long[byLength.size()][];
      int index = 0;
      for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
        int length = group.getKey();
        lengths[index] = length;
        powers[index] = power(length - 1);
        Map<Long, int[]> table = new HashMap<>();
        long[] filter = new long[(1 << FILTER_BITS) / 64];
        for (int id : group.getValue()) {
          long hash = hash(keys.get(id), 0, length);
          table.merge(hash, new int[] {id}, LoreKeys::concat);
          filter[(int) (hash & FILTER_MASK) >>> 6] |= 1L << (hash & 63);
        }
        byHash.add(table);
        filters[index] = filter;
        index++;
      }
      return new LoreKeys(keys.toArray(new String[0]), lengths, powers, byHash, filters);
    }
  }

  int size() {
    return keys.length;
  }

  /** The ids of the keys that occur in {@code text}. */
  BitSet find(String text) {
    BitSet found = new BitSet(keys.length);
    int n = text.length();
    for (int index = 0; index < lengths.length && lengths[index] <= n; index++) {
      int length = lengths[index];
      if (length == 0) {
        continue;
      }
      long power = powers[index];
      long[] filter = filters[index];
      Map<Long, int[]> table = byHash.get(index);
      long hash = hash(text, 0, length);
      for (int start = 0; ; start++) {
        if ((filter[(int) (hash & FILTER_MASK) >>> 6] & (1L << (hash & 63))) != 0) {
          int[] candidates = table.get(hash);
          if (candidates != null) {
            for (int id : candidates) {
              if (!found.get(id) && text.regionMatches(start, keys[id], 0, length)) {
                found.set(id);
              }
            }
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

  private static int[] concat(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
