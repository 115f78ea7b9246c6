package chat.nexus.loadtest;

import io.vertx.core.buffer.Buffer;

/**
 * What the clients say to the server, beyond Engine.IO/Socket.IO framing: the bare fan-out events
 * ({@link BareProtocol}) or the chat contract ({@link ChatProtocol}). Implementations are immutable
 * and called from every event loop.
 */
interface Protocol {
  /** {@link #deliveryT}: the packet is not a delivery. */
  long NOT_A_DELIVERY = -1;

  /** {@link #deliveryT}: a delivery without a readable send time. */
  long NO_TIMESTAMP = -2;

  /** The ack id of the join event; message ack ids start after it ({@link AckTable}). */
  int JOIN_ACK = 0;

  /** The CONNECT packet of client {@code client} (global index), a member of {@code room}. */
  String connectPacket(int client, int room);

  /**
   * Sent once connected, with ack id {@link #JOIN_ACK}; the client is ready when it is acked. Null:
   * ready at once.
   */
  String joinPacket(int room);

  /**
   * A message to {@code room} sent at {@code t} (epoch µs); {@code ackId} is -1 unless {@link
   * #acked()}.
   */
  String sendPacket(int room, long t, long seq, int ackId);

  /** Whether sends ask for an ack. */
  boolean acked();

  /** Whether the server delivers a message to its sender's socket too. */
  boolean senderReceives();

  /**
   * The send time of a delivered message ({@code b[0..n)}), {@link #NOT_A_DELIVERY} or {@link
   * #NO_TIMESTAMP}.
   */
  long deliveryT(byte[] b, int n);

  /**
   * A read-marker update for {@code room} up to {@code messageId}, sent without an ack; null when
   * the protocol has none or the run sends none.
   */
  default String readPacket(int room, long messageId) {
    return null;
  }

  /** Every how many milliseconds a client marks what it has received as read; 0: never. */
  default long readEveryMs() {
    return 0;
  }

  /** The id of a delivered message ({@code b[0..n)}), or -1. */
  default long deliveredId(byte[] b, int n) {
    return -1;
  }

  /** Whether the clients count a room companion's replies (chat with --companion-mentions). */
  default boolean countsCompanions() {
    return false;
  }

  /** Messages sent so far that call the room's companion. */
  default long companionMentions() {
    return 0;
  }

  /** {@link #deliveryT(byte[], int)} of a whole buffer. */
  default long deliveryT(Buffer event) {
    byte[] b = event.getBytes();
    return deliveryT(b, b.length);
  }
}
