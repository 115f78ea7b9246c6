package chat.nexus.llm;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a Server-Sent Events byte stream into the payloads of its {@code data:} lines, whatever the chunk
 * boundaries (a line, or a UTF-8 character, may be cut between chunks), with LF or CRLF line ends; comments
 * (": keep-alive") and other fields are ignored. Not thread-safe: feed it from one thread.
 */
final class SseParser {

  /** A line longer than this is a broken upstream, not a reply. */
  static final int MAX_LINE_BYTES = 1024 * 1024;

  private final Consumer<String> onData;
  private byte[] pending = new byte[0];

  SseParser(Consumer<String> onData) {
    this.onData = onData;
  }

  void feed(byte[] chunk) {
    byte[] bytes = pending.length == 0 ? chunk : concat(pending, chunk);
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
        line(new String(bytes, start, end - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    int rest = bytes.length - start;
    if (rest > MAX_LINE_BYTES) {
      throw new IllegalStateException("SSE line longer than " + MAX_LINE_BYTES + " bytes");
    }
    pending = new byte[rest];
    System.arraycopy(bytes, start, pending, 0, rest);
  }

  private void line(String line) {
    if (line.startsWith("data:")) {
      String payload = line.substring(5);
      onData.accept(payload.startsWith(" ") ? payload.substring(1) : payload);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
