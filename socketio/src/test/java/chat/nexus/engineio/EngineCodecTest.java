package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Engine.IO v4 packets and polling payloads, no sockets. */
class EngineCodecTest {

  private static final String RS = String.valueOf(EngineCodec.RECORD_SEPARATOR);

  @Test
  void recordSeparatorIs0x1e() {
    assertThat((int) EngineCodec.RECORD_SEPARATOR).isEqualTo(0x1e);
  }

  @Test
  void decodesEveryTextPacketType() throws EngineParseException {
    for (char type = '0'; type <= '6'; type++) {
      EngineCodec.InPacket packet = EngineCodec.decodeText(type + "data");
      assertThat(packet.type()).isEqualTo(type);
      assertThat(packet.data()).isEqualTo("data");
      assertThat(packet.isBinary()).isFalse();
    }
    assertThat(EngineCodec.decodeText("2").data()).isEmpty();
    assertThat(EngineCodec.decodeText("2probe").data()).isEqualTo("probe");
    assertThat(EngineCodec.decodeText("4" + RS).data())
        .isEqualTo(RS); // websocket text is not split
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "9", "a", "b", "bAQI=", "/", " 4", "\u0000", "\u001e4x"})
  void unknownTextTypes(String text) {
    assertThatThrownBy(() -> EngineCodec.decodeText(text)).isInstanceOf(EngineParseException.class);
  }

  @Test
  void emptyTextPacket() {
    assertThatThrownBy(() -> EngineCodec.decodeText("")).isInstanceOf(EngineParseException.class);
    assertThatThrownBy(() -> EngineCodec.decodeText(null)).isInstanceOf(EngineParseException.class);
  }

  @Test
  void splitsPayloadOnRecordSeparator() throws EngineParseException {
    List<EngineCodec.InPacket> packets =
        EngineCodec.decodePayload("4hello" + RS + "2" + RS + "4" + RS + "6");
    assertThat(packets).extracting(EngineCodec.InPacket::type).containsExactly('4', '2', '4', '6');
    assertThat(packets).extracting(EngineCodec.InPacket::data).containsExactly("hello", "", "", "");
    assertThat(EngineCodec.decodePayload("4only"))
        .singleElement()
        .extracting(EngineCodec.InPacket::data)
        .isEqualTo("only");
  }

  @Test
  void decodesBase64BinaryInPayload() throws EngineParseException {
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0x80};
    String payload =
        "451-[\"a\",{\"_placeholder\":true,\"num\":0}]"
            + RS
            + "b"
            + Base64.getEncoder().encodeToString(bytes);
    List<EngineCodec.InPacket> packets = EngineCodec.decodePayload(payload);
    assertThat(packets).hasSize(2);
    assertThat(packets.get(0).isBinary()).isFalse();
    assertThat(packets.get(1).isBinary()).isTrue();
    assertThat(packets.get(1).type()).isEqualTo('4');
    assertThat(packets.get(1).binary()).isEqualTo(Buffer.buffer(bytes));
    // an empty binary message
    assertThat(EngineCodec.decodePayload("b").get(0).binary().length()).isZero();
  }

  /**
   * Base64 that no decoder accepts, lenient or not: a dangling sixth of a byte, misplaced padding.
   */
  @ParameterizedTest
  @ValueSource(strings = {"bA", "b====", "bAQI=AQI=x", "bAQ=I", "4a\u001ebA"})
  void invalidBase64(String payload) {
    assertThatThrownBy(() -> EngineCodec.decodePayload(payload))
        .as(payload)
        .isInstanceOf(EngineParseException.class);
  }

  /**
   * engine.io-client-java 2.1.0 (the official Java client) encodes polling binaries with
   * android-style Base64.DEFAULT: a "\n" every 76 characters and at the end. The reference server
   * reads base64 with Node's Buffer.from(data, "base64"), which skips whitespace.
   */
  @Test
  void base64WithLineBreaks() throws EngineParseException {
    assertThat(EngineCodec.decodePayload("bAQI=\n").get(0).binary().getBytes())
        .containsExactly(1, 2);
    byte[] bytes = new byte[100];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    String wrapped = Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(bytes) + "\n";
    assertThat(wrapped).contains("\n");
    List<EngineCodec.InPacket> packets =
        EngineCodec.decodePayload(
            "451-[\"a\",{\"_placeholder\":true,\"num\":0}]" + RS + "b" + wrapped);
    assertThat(packets.get(1).binary().getBytes()).isEqualTo(bytes);
    assertThat(EngineCodec.decodePayload("bAQID\r\nAQID").get(0).binary().getBytes())
        .containsExactly(1, 2, 3, 1, 2, 3);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\u001e",
        "4a\u001e",
        "\u001e4a",
        "4a\u001e\u001e4b",
        "4a\u001e9",
        "4a\u001ex"
      })
  void emptyOrBadPacketsInPayload(String payload) {
    assertThatThrownBy(() -> EngineCodec.decodePayload(payload))
        .as(payload.replace(RS, "<RS>"))
        .isInstanceOf(EngineParseException.class);
  }

  @Test
  void joinsPayloadWithRecordSeparator() {
    assertThat(EngineCodec.encodePayload(List.of(OutFrame.message("2[\"a\"]"))))
        .isEqualTo("42[\"a\"]");
    String joined =
        EngineCodec.encodePayload(
            List.of(
                OutFrame.message("hello"),
                OutFrame.control(OutFrame.PING, null),
                OutFrame.binary(new byte[] {1, 2, 3}),
                OutFrame.control(OutFrame.CLOSE, null)));
    assertThat(joined).isEqualTo("4hello" + RS + "2" + RS + "bAQID" + RS + "1");
  }

  @Test
  void payloadRoundTrip() throws EngineParseException {
    byte[] bytes = "héllo".getBytes(StandardCharsets.UTF_8);
    String joined =
        EngineCodec.encodePayload(
            List.of(OutFrame.message("x"), OutFrame.binary(bytes), OutFrame.message("")));
    List<EngineCodec.InPacket> packets = EngineCodec.decodePayload(joined);
    assertThat(packets).hasSize(3);
    assertThat(packets.get(0).data()).isEqualTo("x");
    assertThat(packets.get(1).binary().getBytes()).isEqualTo(bytes);
    assertThat(packets.get(2).type()).isEqualTo('4');
    assertThat(packets.get(2).data()).isEmpty();
  }

  @Test
  void pollingForms() {
    assertThat(OutFrame.message("2[\"a\"]").pollingForm()).isEqualTo("42[\"a\"]");
    assertThat(OutFrame.binary(new byte[] {1, 2, 3}).pollingForm()).isEqualTo("bAQID");
    assertThat(OutFrame.binary(new byte[0]).pollingForm()).isEqualTo("b");
    assertThat(OutFrame.control(OutFrame.NOOP, null).pollingForm()).isEqualTo("6");
    assertThat(OutFrame.control(OutFrame.PONG, "probe").pollingForm()).isEqualTo("3probe");
    assertThat(OutFrame.message("x").isBinary()).isFalse();
    assertThat(OutFrame.binary(new byte[2]).isBinary()).isTrue();
    assertThat(OutFrame.binary(new byte[2]).text()).isNull();
    assertThat(OutFrame.message("abc").text()).isEqualTo("4abc");
  }
}
