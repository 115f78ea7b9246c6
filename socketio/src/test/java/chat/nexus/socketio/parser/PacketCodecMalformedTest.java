package chat.nexus.socketio.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The malformed packets of the reference parser's tests (socket.io-parser 4.x "throw an error upon
 * parsing error" and friends) and the decoder's own limits. Each must fail with a ParseException,
 * nothing else.
 */
class PacketCodecMalformedTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        // reference parser: isInvalidPayload(...)
        "42[\"some\",\"data\"", // (as Socket.IO text: CONNECT_ERROR followed by broken JSON)
        "2[\"some\",\"data\"",
        "0/admin,\"invalid\"",
        "1/admin,{}",
        "2/admin,\"invalid",
        "2/admin,{}",
        "2[{\"toString\":\"foo\"}]",
        "2[true,\"foo\"]",
        "2[null,\"bar\"]",
        "2[\"connect\"]",
        "2[\"disconnect\",\"123\"]",
        // the brief's "42{}" as a Socket.IO packet: an EVENT whose payload is not an array
        "2{}",
        // "42abc[...]": an id that is not digits leaves "abc[...]" as the payload, which is not
        // JSON
        "2abc[\"a\"]",
        "2/admin,abc[\"a\"]",
        "3abc[]",
        "2[]", // no event name
        "2null",
        "2\"event\"",
        "2 ",
        "3{}", // ACK payload must be an array
        "3",
        "4", // CONNECT_ERROR needs a payload
        "4[]",
        "4 12",
        "0[]",
        "0\"str\"",
        "1[]",
        "2[\"a\"]trailing",
        "2[\"a\"],[\"b\"]",
      })
  void invalidPayloads(String text) {
    assertThatThrownBy(() -> new PacketDecoder().decodeText(text))
        .as(text)
        .isInstanceOf(ParseException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "connect",
        "connect_error",
        "disconnect",
        "disconnecting",
        "newListener",
        "removeListener"
      })
  void reservedEventNames(String name) {
    assertThatThrownBy(() -> new PacketDecoder().decodeText("2[\"" + name + "\",1]"))
        .isInstanceOf(ParseException.class);
    assertThatThrownBy(
            () ->
                new PacketDecoder()
                    .decodeText("51-[\"" + name + "\",{\"_placeholder\":true,\"num\":0}]"))
        .isInstanceOf(ParseException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "8[\"a\"]", "999", "a", "/", "-1", " 2[\"a\"]", "\u0000", "\uFFFF"})
  void unknownPacketType(String text) {
    assertThatThrownBy(() -> new PacketDecoder().decodeText(text))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("unknown packet type");
  }

  @Test
  void emptyPacket() {
    assertThatThrownBy(() -> new PacketDecoder().decodeText("")).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> new PacketDecoder().decodeText(null))
        .isInstanceOf(ParseException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "5",
        "5-",
        "5-[\"a\"]",
        "5a-[\"a\"]",
        "51[\"a\"]",
        "5x1-[\"a\"]",
        "51",
        "6",
        "6-[]",
        "51234-[\"a\"]",
        "5+1-[\"a\"]",
        "5 1-[\"a\"]",
        "5\u0661-[\"a\"]" // ARABIC-INDIC DIGIT ONE is not a digit here
      })
  void illegalAttachmentCounts(String text) {
    assertThatThrownBy(() -> new PacketDecoder().decodeText(text))
        .as(text)
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("attachments");
  }

  @Test
  void tooManyAttachments() {
    // the reference parser's test: maxAttachments 2, a packet announcing 3
    PacketDecoder decoder = new PacketDecoder(2);
    assertThatThrownBy(
            () ->
                decoder.decodeText(
                    "53-[\"hello\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2}]"))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("too many attachments");
    assertThatThrownBy(() -> new PacketDecoder().decodeText("511-[\"a\"]"))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("too many attachments");
    assertThatThrownBy(() -> new PacketDecoder().decodeText("5999-[\"a\"]"))
        .isInstanceOf(ParseException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "51-[\"a\",{\"_placeholder\":true,\"num\":1}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":-1}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":null}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":99999999999999}]",
        "51-[\"a\",{\"x\":[{\"_placeholder\":true,\"num\":3}]}]",
      })
  void placeholderNumOutOfRange(String text) throws ParseException {
    PacketDecoder decoder = new PacketDecoder();
    assertThat(decoder.decodeText(text)).isNull();
    assertThatThrownBy(() -> decoder.decodeBinary(Buffer.buffer(new byte[] {1})))
        .as(text)
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("placeholder");
  }

  @Test
  void placeholderWithZeroAttachments() {
    assertThatThrownBy(
            () -> new PacketDecoder().decodeText("50-[\"a\",{\"_placeholder\":true,\"num\":0}]"))
        .isInstanceOf(ParseException.class);
  }

  @Test
  void textWhileWaitingForAttachments() throws ParseException {
    PacketDecoder decoder = new PacketDecoder();
    assertThat(
            decoder.decodeText(
                "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"))
        .isNull();
    assertThat(decoder.decodeBinary(Buffer.buffer(new byte[] {1}))).isNull();
    assertThatThrownBy(() -> decoder.decodeText("2[\"b\"]"))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("waiting");
    // reset() makes the decoder usable again
    decoder.reset();
    assertThat(decoder.decodeText("2[\"b\"]")).isNotNull();
  }

  @Test
  void binaryWithoutPendingPacket() {
    PacketDecoder decoder = new PacketDecoder();
    assertThatThrownBy(() -> decoder.decodeBinary(Buffer.buffer(new byte[] {1, 2})))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("unexpected binary");
    assertThatThrownBy(() -> decoder.decodeBinary(Buffer.buffer()))
        .isInstanceOf(ParseException.class);
  }

  @Test
  void ackIdTooLong() throws ParseException {
    assertThat(new PacketDecoder().decodeText("2999999999999999[\"a\"]").id())
        .isEqualTo(999_999_999_999_999L);
    assertThatThrownBy(() -> new PacketDecoder().decodeText("29999999999999999[\"a\"]"))
        .isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> new PacketDecoder().decodeText("2" + "9".repeat(400) + "[\"a\"]"))
        .isInstanceOf(ParseException.class);
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutStackOverflow() {
    String deep = "2[\"a\"," + "[".repeat(200_000) + "]".repeat(200_000) + "]";
    assertThatThrownBy(() -> new PacketDecoder().decodeText(deep))
        .isInstanceOf(ParseException.class);
    String deepObjects = "2[\"a\"," + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "]";
    assertThatThrownBy(() -> new PacketDecoder().decodeText(deepObjects))
        .isInstanceOf(ParseException.class);
  }

  @Test
  void hugeNumbersAreRefusedOrKept() throws ParseException {
    String longNumber = "2[\"a\"," + "9".repeat(5_000) + "]";
    assertThatThrownBy(() -> new PacketDecoder().decodeText(longNumber))
        .isInstanceOf(ParseException.class);
    assertThat(new PacketDecoder().decodeText("2[\"a\",1e400]")).isNotNull();
  }
}
