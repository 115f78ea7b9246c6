package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FramesTest {
  @Test
  void scansTimestampOfNodeStyleMsg() {
    Buffer b =
        Buffer.buffer(
            "42[\"msg\",{\"room\":\"r17\",\"t\":1732700000123456,\"seq\":42,\"pad\":\"xxxx\"}]");
    assertThat(Frames.isMsg(b)).isTrue();
    assertThat(Frames.findT(b, Frames.msgArgs())).isEqualTo(1732700000123456L);
  }

  @Test
  void toleratesSpacesAndOtherKeyOrder() {
    Buffer b = Buffer.buffer("42[\"msg\", {\"seq\": 1, \"pad\": \"t\", \"t\" : 99}]");
    assertThat(Frames.findT(b, Frames.msgArgs())).isEqualTo(99);
  }

  @Test
  void otherPacketsAreNotMsg() {
    assertThat(Frames.isMsg(Buffer.buffer("42[\"other\",{\"t\":1}]"))).isFalse();
    assertThat(Frames.isMsg(Buffer.buffer("43[\"msg\"]"))).isFalse();
    assertThat(Frames.isMsg(Buffer.buffer("2"))).isFalse();
    assertThat(Frames.findT(Buffer.buffer("42[\"msg\",{\"seq\":1}]"), 0)).isEqualTo(-1);
  }

  @Test
  void sendPacketRoundTripsThroughTheScanner() {
    String s = Frames.send("r3", 1_700_000_000_000_001L, 7, "ab");
    assertThat(s)
        .isEqualTo(
            "42[\"send\",{\"room\":\"r3\",\"t\":1700000000000001,\"seq\":7,\"pad\":\"ab\"}]");
    assertThat(Frames.findT(Buffer.buffer(s), 0)).isEqualTo(1_700_000_000_000_001L);
  }

  @Test
  void padMakesDataObjectAboutPayloadBytes() {
    String pad = Frames.pad(100, 100);
    String s = Frames.send("r99", 1_700_000_000_000_000L, 100_000, pad);
    int objectLen = s.length() - "42[\"send\",]".length();
    assertThat(objectLen).isEqualTo(100);
    assertThat(Frames.pad(10, 100)).isEmpty();
  }

  @Test
  void connectPacketCarriesAuth() {
    assertThat(Frames.connect(Frames.roomAuth(17))).isEqualTo("40{\"room\":\"r17\"}");
  }

  @Test
  void readsAckIdOkAndErrorCode() {
    Buffer ok =
        Buffer.buffer(
            "4317[{\"message\":{\"id\":5,\"roomId\":\"r1\",\"text\":\"t=1 x\"},\"ok\":true}]");
    assertThat(Frames.ackId(ok)).isEqualTo(17);
    assertThat(Frames.ackOk(ok)).isTrue();

    Buffer err =
        Buffer.buffer(
            "430[{\"ok\": false, \"error\": {\"code\": \"RATE_LIMITED\", \"message\": \"slow down\", \"retryAfter\": 12}}]");
    assertThat(Frames.ackId(err)).isZero();
    assertThat(Frames.ackOk(err)).isFalse();
    assertThat(Frames.errorCode(err)).isEqualTo("RATE_LIMITED");
    assertThat(Frames.errorCode(Buffer.buffer("431[{\"ok\":false}]"))).isEqualTo("?");
  }

  @Test
  void rejectsWhatIsNotAnAck() {
    assertThat(Frames.ackId(Buffer.buffer("42[\"x\"]"))).isEqualTo(-1);
    assertThat(Frames.ackId(Buffer.buffer("43[{}]"))).isEqualTo(-1); // no id
    assertThat(Frames.ackId(Buffer.buffer("43/chat,1[{}]"))).isEqualTo(-1); // other namespace
  }

  @Test
  void stringValuesAreBounded() {
    String longCode = "C".repeat(500);
    assertThat(
            Frames.errorCode(
                Buffer.buffer("431[{\"ok\":false,\"error\":{\"code\":\"" + longCode + "\"}}]")))
        .hasSize(Frames.MAX_STRING);
  }

  @Test
  void connectErrorMessage() {
    assertThat(Frames.connectErrorMessage(Buffer.buffer("44{\"message\":\"unauthorized\"}")))
        .isEqualTo("unauthorized");
    assertThat(Frames.connectErrorMessage(Buffer.buffer("44"))).isEqualTo("?");
  }

  @Test
  void chatDeliveryTimeComesFromTheTextAndTheRecoveryOffsetIsIgnored() {
    ChatProtocol p = new ChatProtocol("0123456789abcdef0123456789abcdef", 0, 100, 100);
    Buffer b =
        Buffer.buffer(
            "42[\"message:new\",{\"id\":9,\"roomId\":\"r7\",\"userId\":\"lt-0-7\","
                + "\"text\":\"t=1732700000123456 xxxx\",\"clientId\":\"a-0-1\",\"createdAt\":\"2024-11-27T09:33:20.123Z\"},\"17-3\"]");
    assertThat(p.deliveryT(b)).isEqualTo(1732700000123456L);
    assertThat(p.deliveryT(Buffer.buffer("42[\"message:new\",{\"text\":\"hello\"}]")))
        .isEqualTo(Protocol.NO_TIMESTAMP);
    assertThat(p.deliveryT(Buffer.buffer("42[\"presence\",{\"roomId\":\"r7\"}]")))
        .isEqualTo(Protocol.NOT_A_DELIVERY);
  }

  @Test
  void chatSendCarriesAckIdAndIsAboutPayloadBytes() {
    ChatProtocol p = new ChatProtocol("0123456789abcdef0123456789abcdef", 0, 100, 200);
    String s = p.sendPacket(99, 1_700_000_000_000_000L, 100_000, 12);
    assertThat(s)
        .startsWith("4212[\"message:send\",{\"roomId\":\"r99\",\"text\":\"t=1700000000000000 xx");
    assertThat(s.length() - "4212[\"message:send\",]".length()).isEqualTo(200);
    assertThat(
            Frames.findNumber(Buffer.buffer(s), 0, Frames.bytes("\"text\""), Frames.bytes("\"t=")))
        .isEqualTo(1_700_000_000_000_000L);
    assertThat(p.joinPacket(3)).isEqualTo("420[\"room:join\",{\"roomId\":\"r3\"}]");
  }
}
