package chat.nexus.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One outbound Engine.IO packet, encoded once and shareable between any number of recipients and
 * threads. The websocket form (frame header and payload in one array) is made once, on first use;
 * the polling form is the packet text, or "b" + base64 for binary.
 */
public final class OutFrame {

  static final char OPEN = '0';
  static final char CLOSE = '1';
  static final char PING = '2';
  static final char PONG = '3';
  static final char MESSAGE = '4';
  static final char NOOP = '6';

  private static final int OPCODE_TEXT = 0x81;
  private static final int OPCODE_BINARY = 0x82;
  private static final int MAX_ONE_BYTE_LENGTH = 125;
  private static final int TWO_BYTE_LENGTH = 126;
  private static final int EIGHT_BYTE_LENGTH = 127;

  private final String text;
  private final byte[] binary;
  private byte[] webSocketBytes;
  private ByteBuf sharedDirect;

  private OutFrame(String text, byte[] binary) {
    this.text = text;
    this.binary = binary;
  }

  /** A message packet ("4" + data). */
  public static OutFrame message(String data) {
    return new OutFrame(MESSAGE + data, null);
  }

  /** A binary message: sent as a binary websocket frame, or as "b" + base64 over polling. */
  public static OutFrame binary(byte[] data) {
    return new OutFrame(null, data);
  }

  static OutFrame control(char type, String data) {
    return new OutFrame(data == null ? String.valueOf(type) : type + data, null);
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** The packet's text ("4hello"), or null for a binary message. */
  public String text() {
    return text;
  }

  /** Approximate size on the wire, for buffer accounting. */
  public int size() {
    return binary != null ? binary.length : text.length();
  }

  /** The packet as it goes in an HTTP long-polling payload. */
  public String pollingForm() {
    return binary != null ? "b" + Base64.getEncoder().encodeToString(binary) : text;
  }

  /**
   * The complete, unmasked websocket frame. Computed once; racing threads compute equal arrays, so
   * the unsynchronised cache is safe.
   */
  public byte[] webSocketFrame() {
    byte[] frame = webSocketBytes;
    if (frame == null) {
      frame = encodeWebSocketFrame();
      webSocketBytes = frame;
    }
    return frame;
  }

  /**
   * Prepares one off-heap copy of the websocket frame that every recipient's write can share, so
   * that a broadcast does not copy the frame into a direct buffer once per socket. Call on one
   * thread before handing the frame to others (the hand-over publishes it). The copy is freed by
   * the garbage collector (JDK direct buffer), so the shared buffer ignores Netty's release calls.
   */
  public void shareOffHeap() {
    if (sharedDirect == null) {
      byte[] frame = webSocketFrame();
      ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
      sharedDirect = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    }
  }

  /**
   * The bytes to write for one recipient: a view of the shared off-heap frame, or a heap wrapper.
   */
  ByteBuf newWrite() {
    ByteBuf shared = sharedDirect;
    return shared != null ? shared.duplicate() : Unpooled.wrappedBuffer(webSocketFrame());
  }

  private byte[] encodeWebSocketFrame() {
    byte[] payload = binary != null ? binary : text.getBytes(StandardCharsets.UTF_8);
    int length = payload.length;
    int header = length <= MAX_ONE_BYTE_LENGTH ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] frame = new byte[header + length];
    frame[0] = (byte) (binary != null ? OPCODE_BINARY : OPCODE_TEXT);
    if (header == 2) {
      frame[1] = (byte) length;
    } else if (header == 4) {
      frame[1] = (byte) TWO_BYTE_LENGTH;
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = (byte) EIGHT_BYTE_LENGTH;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, frame, header, length);
    return frame;
  }

  @Override
  public String toString() {
    return binary != null ? "binary(" + binary.length + " bytes)" : text;
  }
}
