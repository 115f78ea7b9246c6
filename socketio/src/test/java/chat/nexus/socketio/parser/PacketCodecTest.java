package chat.nexus.socketio.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every Socket.IO v5 packet type through PacketEncoder and PacketDecoder, no sockets. */
class PacketCodecTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Packet decode(String text) throws ParseException {
    Packet packet = new PacketDecoder().decodeText(text);
    assertThat(packet).as("decoded %s", text).isNotNull();
    return packet;
  }

  @Test
  void connectWithoutPayloadOnMainNamespace() throws ParseException {
    assertThat(PacketEncoder.encode(Packet.of(PacketType.CONNECT, "/", null)).text())
        .isEqualTo("0");
    Packet packet = decode("0");
    assertThat(packet.type()).isEqualTo(PacketType.CONNECT);
    assertThat(packet.namespace()).isEqualTo("/");
    assertThat(packet.data()).isNull();
    assertThat(packet.hasId()).isFalse();
  }

  @Test
  void connectWithPayloadAndNamespace() throws ParseException {
    JsonObject auth = new JsonObject().put("token", "abc");
    assertThat(PacketEncoder.encode(Packet.of(PacketType.CONNECT, "/admin", auth)).text())
        .isEqualTo("0/admin,{\"token\":\"abc\"}");
    Packet packet = decode("0/admin,{\"token\":\"abc\"}");
    assertThat(packet.type()).isEqualTo(PacketType.CONNECT);
    assertThat(packet.namespace()).isEqualTo("/admin");
    assertThat(packet.data()).isEqualTo(auth);
  }

  @Test
  void connectWithNamespaceOnly() throws ParseException {
    assertThat(PacketEncoder.encode(Packet.of(PacketType.CONNECT, "/admin", null)).text())
        .isEqualTo("0/admin,");
    assertThat(decode("0/admin,").namespace()).isEqualTo("/admin");
    assertThat(decode("0/admin").namespace()).isEqualTo("/admin");
    assertThat(decode("0{\"a\":1}").data()).isEqualTo(new JsonObject().put("a", 1));
  }

  @Test
  void disconnect() throws ParseException {
    assertThat(PacketEncoder.encode(Packet.of(PacketType.DISCONNECT, "/", null)).text())
        .isEqualTo("1");
    assertThat(PacketEncoder.encode(Packet.of(PacketType.DISCONNECT, "/admin", null)).text())
        .isEqualTo("1/admin,");
    Packet packet = decode("1/admin,");
    assertThat(packet.type()).isEqualTo(PacketType.DISCONNECT);
    assertThat(packet.namespace()).isEqualTo("/admin");
    assertThat(packet.data()).isNull();
  }

  @Test
  void eventWithoutAndWithAckId() throws ParseException {
    JsonArray data = new JsonArray().add("chat").add(1).add(new JsonObject().put("x", true));
    assertThat(PacketEncoder.encode(Packet.of(PacketType.EVENT, "/", data)).text())
        .isEqualTo("2[\"chat\",1,{\"x\":true}]");
    assertThat(PacketEncoder.encode(new Packet(PacketType.EVENT, "/chat", data, 42)).text())
        .isEqualTo("2/chat,42[\"chat\",1,{\"x\":true}]");

    Packet plain = decode("2[\"chat\",1,{\"x\":true}]");
    assertThat(plain.type()).isEqualTo(PacketType.EVENT);
    assertThat(plain.hasId()).isFalse();
    assertThat(plain.data()).isEqualTo(data);

    Packet withId = decode("2/chat,42[\"chat\",1,{\"x\":true}]");
    assertThat(withId.namespace()).isEqualTo("/chat");
    assertThat(withId.id()).isEqualTo(42);
    assertThat(withId.data()).isEqualTo(data);

    assertThat(decode("213[\"a\"]").id()).isEqualTo(13);
    assertThat(decode("2[7]").data())
        .isEqualTo(new JsonArray().add(7)); // numeric event names are allowed
    assertThat(decode("2/chat,0[\"a\"]").id()).isZero();
  }

  @Test
  void ack() throws ParseException {
    JsonArray data = new JsonArray().add("ok").addNull();
    assertThat(PacketEncoder.encode(new Packet(PacketType.ACK, "/", data, 7)).text())
        .isEqualTo("37[\"ok\",null]");
    assertThat(PacketEncoder.encode(new Packet(PacketType.ACK, "/x", new JsonArray(), 0)).text())
        .isEqualTo("3/x,0[]");
    Packet packet = decode("37[\"ok\",null]");
    assertThat(packet.type()).isEqualTo(PacketType.ACK);
    assertThat(packet.id()).isEqualTo(7);
    assertThat(packet.data()).isEqualTo(data);
    assertThat(decode("3/x,0[]").data()).isEqualTo(new JsonArray());
  }

  @Test
  void connectError() throws ParseException {
    JsonObject error =
        new JsonObject()
            .put("message", "unauthorized")
            .put("data", new JsonObject().put("reason", "bad"));
    assertThat(PacketEncoder.encode(Packet.of(PacketType.CONNECT_ERROR, "/admin", error)).text())
        .isEqualTo("4/admin,{\"message\":\"unauthorized\",\"data\":{\"reason\":\"bad\"}}");
    Packet packet = decode("4/admin,{\"message\":\"unauthorized\",\"data\":{\"reason\":\"bad\"}}");
    assertThat(packet.type()).isEqualTo(PacketType.CONNECT_ERROR);
    assertThat(packet.data()).isEqualTo(error);
    assertThat(decode("4\"plain message\"").data())
        .isEqualTo("plain message"); // v2-style string payload
  }

  @Test
  void binaryEventWithOneAttachment() throws ParseException {
    byte[] blob = {1, 2, 3};
    EncodedPacket encoded =
        PacketEncoder.encode(
            Packet.of(PacketType.EVENT, "/", new JsonArray().add("file").add(blob)));
    assertThat(encoded.text()).isEqualTo("51-[\"file\",{\"_placeholder\":true,\"num\":0}]");
    assertThat(encoded.attachments()).containsExactly(blob);

    PacketDecoder decoder = new PacketDecoder();
    assertThat(decoder.decodeText(encoded.text())).isNull();
    assertThat(decoder.isWaitingForAttachments()).isTrue();
    Packet packet = decoder.decodeBinary(Buffer.buffer(blob));
    assertThat(decoder.isWaitingForAttachments()).isFalse();
    assertThat(packet.type()).isEqualTo(PacketType.BINARY_EVENT);
    JsonArray data = (JsonArray) packet.data();
    assertThat(data.getValue(0)).isEqualTo("file");
    // raw list access: JsonArray.getValue would turn a Buffer into a base64 string
    assertThat(data.getList().get(1)).isEqualTo(Buffer.buffer(blob));
  }

  @Test
  void binaryEventWithNestedAndMultipleAttachments() throws ParseException {
    JsonObject nested =
        new JsonObject()
            .put("name", "pics")
            .put("first", Buffer.buffer(bytes("one")))
            .put(
                "list",
                new JsonArray()
                    .add(bytes("two"))
                    .add("text")
                    .add(new JsonObject().put("deep", bytes("three"))));
    JsonArray data = new JsonArray().add("upload").add(nested).add(Buffer.buffer(bytes("four")));
    EncodedPacket encoded = PacketEncoder.encode(new Packet(PacketType.EVENT, "/files", data, 9));
    assertThat(encoded.text()).startsWith("54-/files,9[\"upload\",");
    assertThat(encoded.attachments()).hasSize(4);
    assertThat(
            encoded.attachments().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList())
        .containsExactly("one", "two", "three", "four");
    // the caller's value is left untouched
    assertThat(nested.getMap().get("first")).isInstanceOf(Buffer.class);

    PacketDecoder decoder = new PacketDecoder();
    assertThat(decoder.decodeText(encoded.text())).isNull();
    assertThat(decoder.decodeBinary(Buffer.buffer(encoded.attachments().get(0)))).isNull();
    assertThat(decoder.decodeBinary(Buffer.buffer(encoded.attachments().get(1)))).isNull();
    assertThat(decoder.decodeBinary(Buffer.buffer(encoded.attachments().get(2)))).isNull();
    Packet packet = decoder.decodeBinary(Buffer.buffer(encoded.attachments().get(3)));
    assertThat(packet).isNotNull();
    assertThat(packet.type()).isEqualTo(PacketType.BINARY_EVENT);
    assertThat(packet.namespace()).isEqualTo("/files");
    assertThat(packet.id()).isEqualTo(9);

    JsonArray decoded = (JsonArray) packet.data();
    JsonObject obj = decoded.getJsonObject(1);
    assertThat(obj.getString("name")).isEqualTo("pics");
    assertThat(obj.getMap().get("first")).isEqualTo(Buffer.buffer(bytes("one")));
    JsonArray list = obj.getJsonArray("list");
    assertThat(list.getList().get(0)).isEqualTo(Buffer.buffer(bytes("two")));
    assertThat(list.getValue(1)).isEqualTo("text");
    assertThat(list.getJsonObject(2).getMap().get("deep")).isEqualTo(Buffer.buffer(bytes("three")));
    assertThat(decoded.getList().get(2)).isEqualTo(Buffer.buffer(bytes("four")));
  }

  @Test
  void placeholdersMayReferToAttachmentsInAnyOrder() throws ParseException {
    PacketDecoder decoder = new PacketDecoder();
    assertThat(
            decoder.decodeText(
                "52-[\"x\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]"))
        .isNull();
    decoder.decodeBinary(Buffer.buffer(bytes("zero")));
    Packet packet = decoder.decodeBinary(Buffer.buffer(bytes("one")));
    JsonArray data = (JsonArray) packet.data();
    assertThat(data.getList().get(1)).isEqualTo(Buffer.buffer(bytes("one")));
    assertThat(data.getList().get(2)).isEqualTo(Buffer.buffer(bytes("zero")));
  }

  @Test
  void binaryAck() throws ParseException {
    JsonArray data = new JsonArray().add(new JsonObject().put("img", new byte[] {9, 8}));
    EncodedPacket encoded = PacketEncoder.encode(new Packet(PacketType.ACK, "/", data, 3));
    assertThat(encoded.text()).isEqualTo("61-3[{\"img\":{\"_placeholder\":true,\"num\":0}}]");
    assertThat(encoded.attachments()).hasSize(1);

    PacketDecoder decoder = new PacketDecoder();
    assertThat(decoder.decodeText(encoded.text())).isNull();
    Packet packet = decoder.decodeBinary(Buffer.buffer(new byte[] {9, 8}));
    assertThat(packet.type()).isEqualTo(PacketType.BINARY_ACK);
    assertThat(packet.id()).isEqualTo(3);
    assertThat(((JsonArray) packet.data()).getJsonObject(0).getMap().get("img"))
        .isEqualTo(Buffer.buffer(new byte[] {9, 8}));
  }

  @Test
  void binaryTypesWithoutBinaryAreSentAsPlainTypes() {
    assertThat(
            PacketEncoder.encode(Packet.of(PacketType.BINARY_EVENT, "/", new JsonArray().add("a")))
                .text())
        .isEqualTo("2[\"a\"]");
    assertThat(
            PacketEncoder.encode(new Packet(PacketType.BINARY_ACK, "/", new JsonArray(), 1)).text())
        .isEqualTo("31[]");
  }

  @Test
  void binaryPacketWithZeroAttachmentsDecodesAtOnce() throws ParseException {
    Packet packet = new PacketDecoder().decodeText("50-[\"a\"]");
    assertThat(packet).isNotNull();
    assertThat(packet.type()).isEqualTo(PacketType.BINARY_EVENT);
    assertThat(packet.data()).isEqualTo(new JsonArray().add("a"));
  }

  @Test
  void decoderIsReusableAfterABinaryPacket() throws ParseException {
    PacketDecoder decoder = new PacketDecoder();
    assertThat(decoder.decodeText("51-[\"a\",{\"_placeholder\":true,\"num\":0}]")).isNull();
    assertThat(decoder.decodeBinary(Buffer.buffer(new byte[] {1}))).isNotNull();
    assertThat(decoder.decodeText("2[\"b\"]").data()).isEqualTo(new JsonArray().add("b"));
  }

  @Test
  void hasBinaryLooksEverywhere() {
    assertThat(PacketEncoder.hasBinary(null)).isFalse();
    assertThat(PacketEncoder.hasBinary(new JsonArray().add("a").add(new JsonObject().put("b", 1))))
        .isFalse();
    assertThat(PacketEncoder.hasBinary(new byte[0])).isTrue();
    assertThat(
            PacketEncoder.hasBinary(
                new JsonObject().put("a", new JsonArray().add(Buffer.buffer()))))
        .isTrue();
    assertThat(PacketEncoder.hasBinary(List.of(List.of(new byte[1])))).isTrue();
    assertThat(PacketEncoder.hasBinary(new Object[] {"x", new byte[1]})).isTrue();
  }
}
