package chat.nexus.loadtest;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The chat contract (/work/shared/design/contract.md): auth {@code {"token":"<HS256 JWT>"}} for
 * user {@code lt-<worker>-<k>}, {@code room:join} with an ack, {@code message:send} with an ack,
 * and {@code message:new} to every room member but the sending socket.
 */
final class ChatProtocol implements Protocol {
  /** Longer than any run, so no token expires mid-run. */
  static final Duration TOKEN_TTL = Duration.ofHours(2);

  private static final byte[] MESSAGE_NEW = Frames.eventPrefix("message:new");
  private static final byte[] TEXT_KEY = Frames.bytes("\"text\"");
  private static final byte[] T_PREFIX = Frames.bytes("\"t=");
  private static final byte[] ID_KEY = Frames.bytes("\"id\"");
  private static final byte[] NONE = new byte[0];

  private final byte[] secret;
  private final String users;
  private final String[] roomIds;
  private final String pad;
  private final Reading reading;

  /**
   * What clients do beyond sending: the share of messages that mention another member of the room
   * ({@code @lt<k>}, the display name of client k), the run's client count (who is in which room),
   * and every how many milliseconds a client marks what it received as read (0: never).
   */
  record Reading(double mentions, int clients, long readEveryMs) {
    static final Reading NONE = new Reading(0, 0, 0);
  }

  /** The share of messages that call the room's companion by {@code @handle}. */
  record CompanionCalls(double share, String handle) {
    static final CompanionCalls NONE = new CompanionCalls(0, "");
  }

  private final CompanionCalls calls;
  private final LongAdder companionMentions = new LongAdder();

  /**
   * Starts every clientId: the server keeps the first message per (user, clientId), and users are
   * the same from run to run, so a clientId reused by a later run would be acked as a duplicate and
   * not delivered.
   */
  private final String run;

  ChatProtocol(String secret, int worker, int rooms, int payload) {
    this(secret, "lt-" + worker + "-", worker, rooms, payload, Reading.NONE);
  }

  ChatProtocol(String secret, int worker, int rooms, int payload, Reading reading) {
    this(secret, worker, rooms, payload, reading, CompanionCalls.NONE);
  }

  ChatProtocol(
      String secret, int worker, int rooms, int payload, Reading reading, CompanionCalls calls) {
    this(secret, "lt-" + worker + "-", worker, rooms, payload, reading, calls);
    if (secret == null || secret.isEmpty())
      throw new IllegalArgumentException("--jwt-secret (or JWT_SECRET) is required");
  }

  /**
   * Users are {@code <users><k>}. Without a secret ({@code null}: clients bring guest tokens),
   * {@link #connectPacket} cannot be used.
   */
  ChatProtocol(String secret, String users, int worker, int rooms, int payload) {
    this(secret, users, worker, rooms, payload, Reading.NONE);
  }

  ChatProtocol(String secret, String users, int worker, int rooms, int payload, Reading reading) {
    this(secret, users, worker, rooms, payload, reading, CompanionCalls.NONE);
  }

  ChatProtocol(
      String secret,
      String users,
      int worker,
      int rooms,
      int payload,
      Reading reading,
      CompanionCalls calls) {
    this.reading = reading;
    this.calls = calls;
    this.secret =
        secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.users = users;
    roomIds = new String[rooms];
    for (int r = 0; r < rooms; r++) roomIds[r] = Frames.roomName(r);
    run = Long.toString(new SecureRandom().nextLong() >>> 16, 36) + "-" + worker;
    pad = pad(payload, rooms);
  }

  /** The user of client {@code k}. */
  String sub(int client) {
    return users + client;
  }

  @Override
  public String connectPacket(int client, int room) {
    if (secret == null) throw new IllegalStateException("no JWT secret to mint a token with");
    long exp = System.currentTimeMillis() / 1000 + TOKEN_TTL.toSeconds();
    return Frames.connect(
        "{\"token\":\"" + Jwt.user(secret, sub(client), name(client), exp) + "\"}");
  }

  /** Client k's display name, one word so that {@code @lt<k>} mentions it. */
  static String name(int client) {
    return "lt" + client;
  }

  @Override
  public String joinPacket(int room) {
    return "42" + JOIN_ACK + "[\"room:join\",{\"roomId\":\"" + roomIds[room] + "\"}]";
  }

  @Override
  public String sendPacket(int room, long t, long seq, int ackId) {
    return send(ackId, roomIds[room], t, mention(room) + pad, run + "-" + seq);
  }

  /**
   * "@lt<k> " for a random member k of the room, or "@<handle> " for its companion, as often as the
   * run asks; else "".
   */
  private String mention(int room) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (calls.share() > 0 && random.nextDouble() < calls.share()) {
      companionMentions.increment();
      return "@" + calls.handle() + " ";
    }
    int perRoom = reading.clients() / Math.max(1, roomIds.length);
    if (reading.mentions() <= 0 || perRoom == 0 || random.nextDouble() >= reading.mentions()) {
      return "";
    }
    return "@" + name(room + roomIds.length * random.nextInt(perRoom)) + " ";
  }

  @Override
  public String readPacket(int room, long messageId) {
    return "42[\"read\",{\"roomId\":\"" + roomIds[room] + "\",\"messageId\":" + messageId + "}]";
  }

  @Override
  public boolean countsCompanions() {
    return calls.share() > 0;
  }

  @Override
  public long companionMentions() {
    return companionMentions.sum();
  }

  @Override
  public long readEveryMs() {
    return reading.readEveryMs();
  }

  @Override
  public long deliveredId(byte[] b, int n) {
    return Frames.findNumber(b, n, MESSAGE_NEW.length, ID_KEY, NONE);
  }

  /**
   * {@code 42<ackId>["message:send",{"roomId":"r7","text":"t=<micros> <pad>","clientId":"..."}]}
   */
  static String send(int ackId, String roomId, long t, String pad, String clientId) {
    return new StringBuilder(80 + pad.length())
        .append("42")
        .append(ackId)
        .append("[\"message:send\",{\"roomId\":\"")
        .append(roomId)
        .append("\",\"text\":\"t=")
        .append(t)
        .append(' ')
        .append(pad)
        .append("\",\"clientId\":\"")
        .append(clientId)
        .append("\"}]")
        .toString();
  }

  /**
   * Padding that makes the data object of {@code message:send} about {@code payload} bytes long.
   */
  private String pad(int payload, int rooms) {
    String bare =
        send(
            1,
            Frames.roomName(Math.max(0, rooms - 1)),
            1_700_000_000_000_000L,
            "",
            run + "-100000");
    int objectLen = bare.length() - bare.indexOf('{') - 1; // the object and the closing ']'
    return "x".repeat(Math.max(0, payload - objectLen));
  }

  @Override
  public boolean acked() {
    return true;
  }

  @Override
  public boolean senderReceives() {
    return false;
  }

  @Override
  public long deliveryT(byte[] b, int n) {
    if (!Frames.startsWith(b, n, MESSAGE_NEW)) return NOT_A_DELIVERY;
    long t = Frames.findNumber(b, n, MESSAGE_NEW.length, TEXT_KEY, T_PREFIX);
    return t < 0 ? NO_TIMESTAMP : t;
  }
}
