package chat.nexus.socketio.parser;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes Socket.IO v5 packets for one connection. Stateful: a BINARY_EVENT or BINARY_ACK waits for
 * its attachments, which arrive as the following binary messages. Not thread-safe; one per
 * connection.
 *
 * <p>The rules follow the reference parser (socket.io-parser 4.x), including its payload checks.
 */
public final class PacketDecoder {

  /** Default cap on attachments per packet, as in socket.io-parser. */
  public static final int DEFAULT_MAX_ATTACHMENTS = 10;

  private static final int MAX_ID_DIGITS = 15;

  private final int maxAttachments;
  private Packet pending;
  private int expectedAttachments;
  private final List<Buffer> received = new ArrayList<>(0);

  public PacketDecoder() {
    this(DEFAULT_MAX_ATTACHMENTS);
  }

  public PacketDecoder(int maxAttachments) {
    this.maxAttachments = maxAttachments;
  }

  /** Decodes a text message; returns null when the packet waits for binary attachments. */
  public Packet decodeText(String text) throws ParseException {
    if (pending != null) {
      throw new ParseException(
          "got a text packet while waiting for " + expectedAttachments + " binary attachments");
    }
    if (text == null || text.isEmpty()) {
      throw new ParseException("empty packet");
    }
    PacketType type = PacketType.fromCode(text.charAt(0) - '0');
    if (type == null) {
      throw new ParseException("unknown packet type '" + text.charAt(0) + "'");
    }
    Cursor cursor = new Cursor(text);
    int attachments = type.isBinary() ? readAttachments(cursor) : 0;
    String namespace = readNamespace(cursor);
    long id = readAckId(cursor);
    Object data = readPayload(cursor);
    checkPayload(type, data);
    Packet packet = new Packet(type, namespace, data, id);
    if (type.isBinary()) {
      if (attachments == 0) {
        return reconstruct(packet, List.of());
      }
      pending = packet;
      expectedAttachments = attachments;
      return null;
    }
    return packet;
  }

  /** The {@code <count>-} after a binary type. */
  private int readAttachments(Cursor cursor) throws ParseException {
    String count = cursor.until('-');
    if (!cursor.more() || count.isEmpty() || !isDigits(count) || count.length() > 3) {
      throw new ParseException("illegal attachments count");
    }
    cursor.skip();
    int attachments = Integer.parseInt(count);
    if (attachments > maxAttachments) {
      throw new ParseException(
          "too many attachments: " + attachments + " (at most " + maxAttachments + ")");
    }
    return attachments;
  }

  /** {@code /name,} when present (the comma may be missing at the end). */
  private static String readNamespace(Cursor cursor) {
    if (!cursor.more() || cursor.peek() != '/') {
      return Packet.MAIN_NAMESPACE;
    }
    String namespace = cursor.until(',');
    if (cursor.more()) {
      cursor.skip();
    }
    return namespace;
  }

  private static long readAckId(Cursor cursor) throws ParseException {
    if (!cursor.more() || !isDigit(cursor.peek())) {
      return Packet.NO_ID;
    }
    String digits = cursor.digits();
    if (digits.length() > MAX_ID_DIGITS) {
      throw new ParseException("ack id too long");
    }
    return Long.parseLong(digits);
  }

  /** The JSON rest of the packet, or null when there is none. */
  private static Object readPayload(Cursor cursor) throws ParseException {
    if (!cursor.more()) {
      return null;
    }
    Object data;
    try {
      data = Json.decodeValue(cursor.rest());
    } catch (DecodeException | IllegalStateException e) {
      throw new ParseException("invalid payload: not JSON");
    }
    if (data == null) {
      throw new ParseException("invalid payload: null");
    }
    return data;
  }

  /** A text packet read from left to right, after its type digit. */
  private static final class Cursor {
    private final String text;
    private int pos = 1;

    Cursor(String text) {
      this.text = text;
    }

    boolean more() {
      return pos < text.length();
    }

    char peek() {
      return text.charAt(pos);
    }

    void skip() {
      pos++;
    }

    /** The characters before the next {@code stop} (or the end), which is not consumed. */
    String until(char stop) {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != stop) {
        pos++;
      }
      return text.substring(start, pos);
    }

    String digits() {
      int start = pos;
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
      return text.substring(start, pos);
    }

    String rest() {
      return text.substring(pos);
    }
  }

  /** Adds a binary attachment; returns the completed packet once the last one arrives. */
  public Packet decodeBinary(Buffer binary) throws ParseException {
    if (pending == null) {
      throw new ParseException("got an unexpected binary attachment");
    }
    received.add(binary);
    if (received.size() < expectedAttachments) {
      return null;
    }
    Packet packet = reconstruct(pending, received);
    reset();
    return packet;
  }

  /** True while a binary packet waits for attachments. */
  public boolean isWaitingForAttachments() {
    return pending != null;
  }

  public void reset() {
    pending = null;
    expectedAttachments = 0;
    received.clear();
  }

  private static void checkPayload(PacketType type, Object data) throws ParseException {
    boolean valid =
        switch (type) {
          case CONNECT -> data == null || data instanceof JsonObject;
          case DISCONNECT -> data == null;
          case CONNECT_ERROR -> data instanceof String || data instanceof JsonObject;
          case EVENT, BINARY_EVENT -> data instanceof JsonArray array && isEventName(array);
          case ACK, BINARY_ACK -> data instanceof JsonArray;
        };
    if (!valid) {
      throw new ParseException("invalid payload for " + type);
    }
  }

  private static boolean isEventName(JsonArray array) {
    if (array.isEmpty()) {
      return false;
    }
    Object name = array.getValue(0);
    return name instanceof Number
        || (name instanceof String s && !Packet.RESERVED_EVENTS.contains(s));
  }

  private static Packet reconstruct(Packet packet, List<Buffer> attachments) throws ParseException {
    Object data = reconstructValue(packet.data(), attachments);
    return new Packet(packet.type(), packet.namespace(), data, packet.id());
  }

  private static Object reconstructValue(Object value, List<Buffer> attachments)
      throws ParseException {
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray(new ArrayList<>(array.size()));
      for (Object item : array) {
        copy.add(reconstructValue(item, attachments));
      }
      return copy;
    }
    if (value instanceof JsonObject object) {
      if (Boolean.TRUE.equals(object.getValue("_placeholder")) && object.size() == 2) {
        Object num = object.getValue("num");
        if (num instanceof Integer n && n >= 0 && n < attachments.size()) {
          return attachments.get(n);
        }
        throw new ParseException("illegal attachment placeholder");
      }
      JsonObject copy = new JsonObject();
      for (Map.Entry<String, Object> entry : object) {
        copy.put(entry.getKey(), reconstructValue(entry.getValue(), attachments));
      }
      return copy;
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
