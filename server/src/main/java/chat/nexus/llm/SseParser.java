package chat.nexus.llm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Interprets a Server-Sent Events byte stream as the WHATWG HTML standard says ("Interpreting an
 * event stream"): lines end with CRLF, LF or a bare CR (a CR ending one chunk and an LF starting
 * the next are one line end); one leading BOM is skipped; lines starting with a colon are comments;
 * {@code data} lines are joined with LF and dispatched at the blank line that ends the event, with
 * the {@code event} type (default {@code message}) and the last {@code id}; {@code retry} keeps the
 * reconnection time; other fields are ignored, and an event the stream ends in the middle of is
 * dropped. Chunks may end anywhere, inside a UTF-8 character too: lines are cut at CR and LF bytes,
 * which never occur inside a multi-byte character, and decoded whole. Each byte is looked at once;
 * only an unfinished line is copied, into a buffer that grows by doubling. Not thread-safe: feed it
 * from one thread.
 */
final class SseParser {

  /** A line longer than this is a broken upstream, not a reply. */
  static final int MAX_LINE_BYTES = 1024 * 1024;

  /** An event whose data grows beyond this many characters is a broken upstream too. */
  static final int MAX_EVENT_CHARS = 1024 * 1024;

  /** Line buffer kept between lines; one grown for a long line is dropped afterwards. */
  private static final int KEPT_BUFFER_BYTES = 8 * 1024;

  private static final String DEFAULT_TYPE = "message";

  /**
   * Digits that always fit a long; a longer retry value means "never", as good as Long.MAX_VALUE.
   */
  private static final int MAX_LONG_DIGITS = 18;

  /**
   * One dispatched event: its type, its data lines joined with LF, and the last event id seen so
   * far.
   */
  record Event(String type, String data, String lastEventId) {}

  private final Consumer<Event> onEvent;
  private byte[] line = new byte[256];
  private int lineLength;

  /**
   * The previous chunk ended with a CR: an LF at the start of the next one belongs to that line
   * end.
   */
  private boolean afterCr;

  private boolean firstLine = true;
  private StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventId = "";
  private long retryMs = -1;

  SseParser(Consumer<Event> onEvent) {
    this.onEvent = onEvent;
  }

  /** The last {@code id} field's value ("" before any). */
  String lastEventId() {
    return lastEventId;
  }

  /** The reconnection time the stream asked for with {@code retry}, or -1. */
  long retryMs() {
    return retryMs;
  }

  /**
   * Reads the next bytes of the stream; throws IllegalStateException when a line or an event is
   * over its bound.
   */
  void feed(byte[] chunk) {
    int start = 0;
    int i = 0;
    if (afterCr && chunk.length > 0) {
      afterCr = false;
      if (chunk[0] == '\n') {
        start = i = 1;
      }
    }
    for (; i < chunk.length; i++) {
      byte b = chunk[i];
      if (b != '\n' && b != '\r') {
        continue;
      }
      if (lineLength == 0) {
        checkLineLength(i - start);
        line(chunk, start, i - start); // the whole line is in this chunk: no copy
      } else {
        append(chunk, start, i - start);
        line(line, 0, lineLength);
        lineLength = 0;
        if (line.length > KEPT_BUFFER_BYTES) {
          line = new byte[KEPT_BUFFER_BYTES];
        }
      }
      if (b == '\r') {
        if (i + 1 == chunk.length) {
          afterCr = true;
        } else if (chunk[i + 1] == '\n') {
          i++;
        }
      }
      start = i + 1;
    }
    append(chunk, start, chunk.length - start);
  }

  private void append(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    checkLineLength(lineLength + length);
    if (lineLength + length > line.length) {
      line =
          Arrays.copyOf(
              line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, lineLength + length)));
    }
    System.arraycopy(bytes, offset, line, lineLength, length);
    lineLength += length;
  }

  private static void checkLineLength(int length) {
    if (length > MAX_LINE_BYTES) {
      throw new IllegalStateException("SSE line longer than " + MAX_LINE_BYTES + " bytes");
    }
  }

  private void line(byte[] bytes, int offset, int length) {
    if (firstLine) {
      firstLine = false;
      if (length >= 3
          && bytes[offset] == (byte) 0xEF
          && bytes[offset + 1] == (byte) 0xBB
          && bytes[offset + 2] == (byte) 0xBF) {
        offset += 3;
        length -= 3;
      }
    }
    if (length == 0) {
      dispatch();
      return;
    }
    if (bytes[offset] == ':') {
      return; // a comment (": keep-alive")
    }
    int end = offset + length;
    int colon = offset;
    while (colon < end && bytes[colon] != ':') {
      colon++;
    }
    String field = new String(bytes, offset, colon - offset, StandardCharsets.UTF_8);
    int valueStart = Math.min(end, colon + 1);
    if (valueStart < end && bytes[valueStart] == ' ') {
      valueStart++;
    }
    String value = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        if (data.length() + value.length() + 1 > MAX_EVENT_CHARS) {
          throw new IllegalStateException(
              "SSE event longer than " + MAX_EVENT_CHARS + " characters");
        }
        data.append(value).append('\n');
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> retry(value);
      default -> {
        // unknown fields are ignored
      }
    }
  }

  private void retry(String value) {
    if (value.isEmpty()) {
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return; // only ASCII digits count
      }
    }
    retryMs = value.length() > MAX_LONG_DIGITS ? Long.MAX_VALUE : Long.parseLong(value);
  }

  private void dispatch() {
    if (data.length() == 0) {
      eventType = "";
      return;
    }
    data.setLength(data.length() - 1); // the LF after the last data line
    Event event =
        new Event(eventType.isEmpty() ? DEFAULT_TYPE : eventType, data.toString(), lastEventId);
    eventType = "";
    if (data.capacity() > KEPT_BUFFER_BYTES) {
      data = new StringBuilder();
    } else {
      data.setLength(0);
    }
    onEvent.accept(event);
  }
}
