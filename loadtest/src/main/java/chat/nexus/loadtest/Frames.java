package chat.nexus.loadtest;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Engine.IO v4 / Socket.IO v5 text packets: just enough building and scanning, no JSON binding. */
final class Frames {
  private Frames() {}

  static final String PONG = "3";

  /** Longest string value {@link #stringValue} returns (error codes and messages are short). */
  static final int MAX_STRING = 64;

  private static final byte[] MSG_EVENT = eventPrefix("msg");
  private static final byte[] T_KEY = bytes("\"t\"");
  private static final byte[] OK_KEY = bytes("\"ok\"");
  private static final byte[] CODE_KEY = bytes("\"code\"");
  private static final byte[] MESSAGE_KEY = bytes("\"message\"");
  private static final byte[] NONE = new byte[0];

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Engine.IO message + Socket.IO CONNECT to "/" with the given auth object. */
  static String connect(String authJson) {
    return "40" + authJson;
  }

  static String roomName(int room) {
    return "r" + room;
  }

  static String roomAuth(int room) {
    return "{\"room\":\"" + roomName(room) + "\"}";
  }

  /** {@code 42["send",{"room":"r7","t":<micros>,"seq":<n>,"pad":"..."}]} */
  static String send(String room, long t, long seq, String pad) {
    return new StringBuilder(40 + room.length() + pad.length())
        .append("42[\"send\",{\"room\":\"")
        .append(room)
        .append("\",\"t\":")
        .append(t)
        .append(",\"seq\":")
        .append(seq)
        .append(",\"pad\":\"")
        .append(pad)
        .append("\"}]")
        .toString();
  }

  /** Padding that makes the event's data object about {@code payload} bytes long. */
  static String pad(int payload, int rooms) {
    String bare = send(roomName(Math.max(0, rooms - 1)), 1_700_000_000_000_000L, 100_000, "");
    int objectLen = bare.length() - "42[\"send\",]".length();
    return "x".repeat(Math.max(0, payload - objectLen));
  }

  /**
   * The bytes an EVENT packet named {@code name} (namespace "/", no ack id) starts with: {@code
   * 42["name",}.
   */
  static byte[] eventPrefix(String name) {
    return bytes("42[\"" + name + "\",");
  }

  static boolean startsWith(byte[] b, int n, byte[] prefix) {
    return regionMatches(b, n, 0, prefix);
  }

  /** True for {@code 42["msg",...}. */
  static boolean isMsg(byte[] b, int n) {
    return startsWith(b, n, MSG_EVENT);
  }

  /** Offset where the event arguments start in a {@code 42["msg",...} packet. */
  static int msgArgs() {
    return MSG_EVENT.length;
  }

  /** Value of the first {@code "t":<digits>} at or after {@code from}, or -1 when absent. */
  static long findT(byte[] b, int n, int from) {
    return findNumber(b, n, from, T_KEY, NONE);
  }

  /**
   * The digits right after {@code valuePrefix} in the value of the first {@code quotedKey} (e.g.
   * {@code "t"}) at or after {@code from} that has them, or -1. {@code "text"} with prefix {@code
   * "t=} reads 123 out of {@code "text":"t=123 ..."}.
   */
  static long findNumber(byte[] b, int n, int from, byte[] quotedKey, byte[] valuePrefix) {
    for (int at = from, j; (j = valueAt(b, n, at, quotedKey)) >= 0; at = j) {
      if (!regionMatches(b, n, j, valuePrefix)) continue;
      int k = j + valuePrefix.length;
      long v = 0;
      int digits = 0;
      while (k < n) {
        byte c = b[k];
        if (c < '0' || c > '9') break;
        v = v * 10 + (c - '0');
        digits++;
        k++;
      }
      if (digits > 0) return v;
    }
    return -1;
  }

  /**
   * Where the value of the first {@code quotedKey} (a key with its quotes, followed by optional
   * spaces and a colon) at or after {@code from} starts, spaces skipped; -1 when there is none.
   * Keys are found by bytes: a quote inside a JSON string is escaped, so string values cannot fake
   * one.
   */
  static int valueAt(byte[] b, int n, int from, byte[] quotedKey) {
    byte first = quotedKey[0];
    for (int i = Math.max(0, from); i + quotedKey.length < n; i++) {
      if (b[i] != first || !regionMatches(b, n, i, quotedKey)) continue;
      int j = skipSpaces(b, n, i + quotedKey.length);
      if (j < n && b[j] == ':') return skipSpaces(b, n, j + 1);
    }
    return -1;
  }

  /**
   * The string value of the first {@code quotedKey} at or after {@code from} (at most {@link
   * #MAX_STRING} chars, escapes cut it short), or null.
   */
  static String stringValue(byte[] b, int n, int from, byte[] quotedKey) {
    int j = valueAt(b, n, from, quotedKey);
    if (j < 0 || j >= n || b[j] != '"') return null;
    int end = j + 1;
    while (end < n && end - j - 1 < MAX_STRING && b[end] != '"' && b[end] != '\\') end++;
    return new String(b, j + 1, end - j - 1, StandardCharsets.UTF_8);
  }

  /** The id of an ACK packet {@code 43<id>[...]} (namespace "/"), or -1 when it is not one. */
  static int ackId(byte[] b, int n) {
    if (n < 4 || b[0] != '4' || b[1] != '3') return -1;
    int id = 0;
    int i = 2;
    for (; i < n && i < 12; i++) {
      byte c = b[i];
      if (c < '0' || c > '9') break;
      id = id * 10 + (c - '0');
    }
    return i > 2 && i < n && b[i] == '[' ? id : -1;
  }

  /** True when the ack's payload says {@code "ok":true}. */
  static boolean ackOk(byte[] b, int n) {
    int j = valueAt(b, n, 2, OK_KEY);
    return j >= 0 && j < n && b[j] == 't';
  }

  /**
   * The error code of a failed ack ({@code {"ok":false,"error":{"code":"X",...}}}), or "?" when it
   * has none.
   */
  static String errorCode(byte[] b, int n) {
    String code = stringValue(b, n, 2, CODE_KEY);
    return code == null || code.isEmpty() ? "?" : code;
  }

  /**
   * The message of a CONNECT_ERROR packet {@code 44{"message":"unauthorized"}}, or "?" when it has
   * none.
   */
  static String connectErrorMessage(byte[] b, int n) {
    String message = stringValue(b, n, 2, MESSAGE_KEY);
    return message == null || message.isEmpty() ? "?" : message;
  }

  // Buffer forms of the scanners (tests, and anything that holds a Vert.x Buffer).

  static boolean isMsg(Buffer b) {
    byte[] a = b.getBytes();
    return isMsg(a, a.length);
  }

  static long findT(Buffer b, int from) {
    byte[] a = b.getBytes();
    return findT(a, a.length, from);
  }

  static long findNumber(Buffer b, int from, byte[] quotedKey, byte[] valuePrefix) {
    byte[] a = b.getBytes();
    return findNumber(a, a.length, from, quotedKey, valuePrefix);
  }

  static int ackId(Buffer b) {
    byte[] a = b.getBytes();
    return ackId(a, a.length);
  }

  static boolean ackOk(Buffer b) {
    byte[] a = b.getBytes();
    return ackOk(a, a.length);
  }

  static String errorCode(Buffer b) {
    byte[] a = b.getBytes();
    return errorCode(a, a.length);
  }

  static String connectErrorMessage(Buffer b) {
    byte[] a = b.getBytes();
    return connectErrorMessage(a, a.length);
  }

  private static boolean regionMatches(byte[] b, int n, int at, byte[] what) {
    if (at < 0 || at + what.length > n) return false;
    for (int k = 0; k < what.length; k++) {
      if (b[at + k] != what[k]) return false;
    }
    return true;
  }

  private static int skipSpaces(byte[] b, int n, int j) {
    while (j < n && b[j] == ' ') j++;
    return j;
  }
}
