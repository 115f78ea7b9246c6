package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FramesTest {
  @Test
  void scansTimestampOfNodeStyleMsg() {
    Buffer b = Buffer.buffer("42[\"msg\",{\"room\":\"r17\",\"t\":1732700000123456,\"seq\":42,\"pad\":\"xxxx\"}]");
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
    assertThat(s).isEqualTo("42[\"send\",{\"room\":\"r3\",\"t\":1700000000000001,\"seq\":7,\"pad\":\"ab\"}]");
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
}
