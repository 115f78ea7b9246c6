package chat.nexus.loadtest;

import io.vertx.core.buffer.Buffer;

/** Engine.IO v4 / Socket.IO v5 text packets: just enough building and scanning, no JSON binding. */
final class Frames {
  private Frames() {}

  static final String PONG = "3";
  private static final byte[] MSG_EVENT = "42[\"msg\",".getBytes();

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
        .append("42[\"send\",{\"room\":\"").append(room)
        .append("\",\"t\":").append(t)
        .append(",\"seq\":").append(seq)
        .append(",\"pad\":\"").append(pad).append("\"}]").toString();
  }

  /** Padding that makes the event's data object about {@code payload} bytes long. */
  static String pad(int payload, int rooms) {
    String bare = send(roomName(Math.max(0, rooms - 1)), 1_700_000_000_000_000L, 100_000, "");
    int objectLen = bare.length() - "42[\"send\",]".length();
    return "x".repeat(Math.max(0, payload - objectLen));
  }

  /** True for {@code 42["msg",...}. */
  static boolean isMsg(Buffer b) {
    if (b.length() < MSG_EVENT.length) return false;
    for (int i = 0; i < MSG_EVENT.length; i++) {
      if (b.getByte(i) != MSG_EVENT[i]) return false;
    }
    return true;
  }

  /** Offset where the event arguments start in a {@code 42["msg",...} packet. */
  static int msgArgs() {
    return MSG_EVENT.length;
  }

  /** Value of the first {@code "t":<digits>} at or after {@code from}, or -1 when absent. */
  static long findT(Buffer b, int from) {
    int n = b.length();
    for (int i = from; i + 4 < n; i++) {
      if (b.getByte(i) == '"' && b.getByte(i + 1) == 't' && b.getByte(i + 2) == '"') {
        int j = i + 3;
        while (j < n && b.getByte(j) == ' ') j++;
        if (j >= n || b.getByte(j) != ':') continue;
        j++;
        while (j < n && b.getByte(j) == ' ') j++;
        long v = 0;
        int digits = 0;
        while (j < n) {
          byte c = b.getByte(j);
          if (c < '0' || c > '9') break;
          v = v * 10 + (c - '0');
          digits++;
          j++;
        }
        if (digits > 0) return v;
      }
    }
    return -1;
  }
}
