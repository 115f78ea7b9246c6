package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link OutFrame} and {@link EngineCodec} put on the wire: the unmasked server-to-client
 * websocket frames (RFC 6455 section 5.2) and the long-polling payloads, as known bytes; and, for
 * every length class, the same bytes as Netty's own frame encoder writes for the same message.
 */
class OutFrameCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void textFrames() {
    assertThat(hex(OutFrame.message("hello").webSocketFrame())).isEqualTo("81063468656c6c6f");
    assertThat(hex(OutFrame.control(OutFrame.PING, null).webSocketFrame())).isEqualTo("810132");
    assertThat(hex(OutFrame.control(OutFrame.PONG, "probe").webSocketFrame()))
        .isEqualTo("81063370726f6265");
    assertThat(hex(OutFrame.control(OutFrame.OPEN, "{}").webSocketFrame())).isEqualTo("8103307b7d");
  }

  @Test
  void binaryFrames() {
    assertThat(hex(OutFrame.binary(new byte[0]).webSocketFrame())).isEqualTo("8200");
    assertThat(hex(OutFrame.binary(new byte[] {1, 2, 3}).webSocketFrame())).isEqualTo("8203010203");
  }

  /** The three length forms: 7 bits up to 125, then 126 + 16 bits, then 127 + 64 bits. */
  @Test
  void lengthFormsAtTheirBoundaries() {
    assertThat(header(OutFrame.binary(new byte[125]), 2)).isEqualTo("827d");
    assertThat(header(OutFrame.binary(new byte[126]), 4)).isEqualTo("827e007e");
    assertThat(header(OutFrame.binary(new byte[65_535]), 4)).isEqualTo("827effff");
    assertThat(header(OutFrame.binary(new byte[65_536]), 10)).isEqualTo("827f0000000000010000");
    assertThat(header(OutFrame.binary(new byte[70_000]), 10)).isEqualTo("827f0000000000011170");
    assertThat(OutFrame.binary(new byte[70_000]).webSocketFrame()).hasSize(10 + 70_000);
    assertThat(header(OutFrame.message("x".repeat(125)), 4)).isEqualTo("817e007e");
  }

  @Test
  void textLengthCountsUtf8Bytes() {
    // "4" + 42 two-byte characters: 85 bytes
    byte[] frame = OutFrame.message("é".repeat(42)).webSocketFrame();
    assertThat(hex(Arrays.copyOf(frame, 4))).isEqualTo("815534c3");
    assertThat(frame).hasSize(2 + 85);
    // "4" + 63 three-byte characters: 190 bytes, the 16-bit form
    assertThat(header(OutFrame.message("€".repeat(63)), 4)).isEqualTo("817e00be");
    // a character outside the BMP: 4 bytes, not 2 chars
    assertThat(hex(OutFrame.message("\uD83D\uDE00").webSocketFrame())).isEqualTo("810534f09f9880");
  }

  /** Netty's encoder, an independent implementation, writes the same bytes for every length. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 124, 125, 126, 127, 65_534, 65_535, 65_536, 70_000})
  void sameBytesAsNettysEncoder(int length) {
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (i * 31);
    }
    assertThat(OutFrame.binary(payload).webSocketFrame())
        .isEqualTo(nettyEncoded(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))));
    if (length > 0) {
      String data = "y".repeat(length - 1);
      assertThat(OutFrame.message(data).webSocketFrame())
          .isEqualTo(nettyEncoded(new TextWebSocketFrame("4" + data)));
    }
  }

  @Test
  void writesShareOneOffHeapCopy() {
    OutFrame frame = OutFrame.message("hello");
    assertThat(frame.webSocketFrame()).isSameAs(frame.webSocketFrame());
    frame.shareOffHeap();
    ByteBuf first = frame.newWrite();
    ByteBuf second = frame.newWrite();
    assertThat(first.isDirect()).isTrue();
    assertThat(ByteBufUtil.getBytes(first)).isEqualTo(frame.webSocketFrame());
    first.skipBytes(3);
    assertThat(second.readableBytes()).as("each write has its own indexes").isEqualTo(8);
  }

  @Test
  void pollingForms() {
    assertThat(OutFrame.message("hello").pollingForm()).isEqualTo("4hello");
    assertThat(OutFrame.control(OutFrame.NOOP, null).pollingForm()).isEqualTo("6");
    assertThat(OutFrame.binary(new byte[] {1, 2, 3}).pollingForm()).isEqualTo("bAQID");
    assertThat(OutFrame.message("hello").size()).isEqualTo(6);
    assertThat(OutFrame.binary(new byte[3]).toString()).isEqualTo("binary(3 bytes)");
  }

  @Test
  void pollingPayloadJoinsPacketsWithTheRecordSeparator() {
    assertThat(EngineCodec.encodePayload(List.of(OutFrame.message("a")))).isEqualTo("4a");
    assertThat(
            EngineCodec.encodePayload(
                List.of(
                    OutFrame.message("a"),
                    OutFrame.binary(new byte[] {1, 2, 3}),
                    OutFrame.control(OutFrame.PING, null))))
        .isEqualTo("4a\u001ebAQID\u001e2");
  }

  private static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static String header(OutFrame frame, int length) {
    return hex(Arrays.copyOf(frame.webSocketFrame(), length));
  }

  private static byte[] nettyEncoded(WebSocketFrame frame) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    channel.writeOutbound(frame);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
      bytes.writeBytes(ByteBufUtil.getBytes(part));
      part.release();
    }
    channel.finishAndReleaseAll();
    return bytes.toByteArray();
  }
}
