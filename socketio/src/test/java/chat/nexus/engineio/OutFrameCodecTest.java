package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The unmasked server-to-client websocket frames OutFrame builds (RFC 6455 section 5.2). */
class OutFrameCodecTest {

  /**
   * Expected header: FIN + opcode, then the 7-bit length or 126 + 16-bit or 127 + 64-bit, no mask
   * bit.
   */
  private static byte[] expectedHeader(int opcode, int length) {
    if (length <= 125) {
      return new byte[] {(byte) (0x80 | opcode), (byte) length};
    }
    if (length <= 0xFFFF) {
      return new byte[] {(byte) (0x80 | opcode), 126, (byte) (length >>> 8), (byte) length};
    }
    byte[] header = new byte[10];
    header[0] = (byte) (0x80 | opcode);
    header[1] = 127;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
    }
    return header;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70_000})
  void binaryFrameHeaders(int length) {
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (i * 31);
    }
    byte[] frame = OutFrame.binary(payload).webSocketFrame();
    byte[] header = expectedHeader(0x2, length);
    assertThat(frame).hasSize(header.length + length);
    assertThat(Arrays.copyOfRange(frame, 0, header.length))
        .as("header for %d bytes", length)
        .isEqualTo(header);
    assertThat(Arrays.copyOfRange(frame, header.length, frame.length)).isEqualTo(payload);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 125, 126, 127, 65535, 65536})
  void textFrameHeaders(int length) {
    // "4" + data is the whole text payload: pick data so that the UTF-8 payload has exactly
    // `length` bytes
    String data = "x".repeat(length - 1);
    byte[] frame = OutFrame.message(data).webSocketFrame();
    byte[] header = expectedHeader(0x1, length);
    assertThat(frame).hasSize(header.length + length);
    assertThat(Arrays.copyOfRange(frame, 0, header.length)).isEqualTo(header);
    assertThat(new String(frame, header.length, length, StandardCharsets.UTF_8))
        .isEqualTo("4" + data);
  }

  @Test
  void exactBytesAtTheBoundaries() {
    assertThat(OutFrame.binary(new byte[0]).webSocketFrame()).containsExactly(0x82, 0x00);
    assertThat(Arrays.copyOf(OutFrame.binary(new byte[125]).webSocketFrame(), 2))
        .containsExactly(0x82, 0x7d);
    assertThat(Arrays.copyOf(OutFrame.binary(new byte[126]).webSocketFrame(), 4))
        .containsExactly(0x82, 0x7e, 0x00, 0x7e);
    assertThat(Arrays.copyOf(OutFrame.binary(new byte[65535]).webSocketFrame(), 4))
        .containsExactly(0x82, 0x7e, 0xff, 0xff);
    assertThat(Arrays.copyOf(OutFrame.binary(new byte[65536]).webSocketFrame(), 10))
        .containsExactly(0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00);
    assertThat(OutFrame.control(OutFrame.PING, null).webSocketFrame())
        .containsExactly(0x81, 0x01, '2');
  }

  @Test
  void textLengthCountsUtf8Bytes() {
    // 42 two-byte characters + "4" = 85 bytes; 63 three-byte characters + "4" = 190 bytes (two-byte
    // length)
    byte[] frame = OutFrame.message("é".repeat(42)).webSocketFrame();
    assertThat(frame[1]).isEqualTo((byte) 85);
    assertThat(frame).hasSize(2 + 85);
    byte[] longer = OutFrame.message("€".repeat(63)).webSocketFrame();
    assertThat(Arrays.copyOf(longer, 4)).containsExactly(0x81, 0x7e, 0x00, 190);
    // a character outside the BMP is 4 bytes, not 2 chars
    assertThat(OutFrame.message("\uD83D\uDE00").webSocketFrame()[1]).isEqualTo((byte) 5);
  }

  @Test
  void frameIsCachedAndShared() {
    OutFrame frame = OutFrame.message("hello");
    assertThat(frame.webSocketFrame()).isSameAs(frame.webSocketFrame());
    assertThat(frame.size()).isEqualTo(6);
    assertThat(frame.toString()).isEqualTo("4hello");
    assertThat(OutFrame.binary(new byte[3]).toString()).contains("3 bytes");
  }
}
