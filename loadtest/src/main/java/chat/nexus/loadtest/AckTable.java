package chat.nexus.loadtest;

import java.util.Arrays;

/**
 * The acks one connection still waits for: ack id -> send time (epoch µs). Ack ids are per
 * connection and count up from {@link Protocol#JOIN_ACK} + 1. Senders are picked round-robin from
 * thousands of connections, so a connection rarely waits for more than one ack; a linear scan over
 * parallel arrays is the cheapest table. Used only on the connection's event loop.
 */
final class AckTable {
  /**
   * A connection waiting for this many acks gets no more sends: the server has stopped answering
   * it.
   */
  static final int CAPACITY = 64;

  private static final int INITIAL = 2;

  private int[] ids = new int[INITIAL];
  private long[] sentAt = new long[INITIAL];
  private int size;
  private int next = Protocol.JOIN_ACK + 1;

  boolean full() {
    return size >= CAPACITY;
  }

  int size() {
    return size;
  }

  /** Records a send at {@code t} and returns its ack id. Call only when not {@link #full()}. */
  int add(long t) {
    if (size == ids.length) {
      int cap = Math.min(CAPACITY, ids.length * 2);
      ids = Arrays.copyOf(ids, cap);
      sentAt = Arrays.copyOf(sentAt, cap);
    }
    ids[size] = next;
    sentAt[size] = t;
    size++;
    return next++;
  }

  /** The send time of ack {@code id}, removed from the table, or -1 when it was not waited for. */
  long remove(int id) {
    for (int i = 0; i < size; i++) {
      if (ids[i] == id) {
        long t = sentAt[i];
        size--;
        ids[i] = ids[size];
        sentAt[i] = sentAt[size];
        return t;
      }
    }
    return -1;
  }
}
