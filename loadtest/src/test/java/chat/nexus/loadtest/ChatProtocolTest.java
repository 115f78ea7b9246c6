package chat.nexus.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatProtocolTest {

  private static final String SECRET = "a-secret-long-enough-for-hs256-0123456789abcdef";

  @Test
  void mentionsNameAMemberOfTheSameRoomAndKeepTheSendTimeFirst() {
    var protocol = new ChatProtocol(SECRET, 0, 10, 100, new ChatProtocol.Reading(1.0, 1000, 0));
    for (int i = 0; i < 50; i++) {
      String packet = protocol.sendPacket(3, 1_700_000_000_000_000L, i, 5);
      assertThat(packet).contains("\"text\":\"t=1700000000000000 @lt");
      int k = Integer.parseInt(packet.replaceFirst(".*@lt(\\d+) .*", "$1"));
      assertThat(k % 10).as("the mentioned client is in room 3").isEqualTo(3);
      assertThat(k).isLessThan(1000);
      byte[] delivered =
          ("42[\"message:new\",{\"id\":7,\"roomId\":\"r3\","
                  + packet.substring(packet.indexOf("\"text\"")))
              .getBytes(StandardCharsets.UTF_8);
      assertThat(protocol.deliveryT(delivered, delivered.length)).isEqualTo(1_700_000_000_000_000L);
    }
  }

  @Test
  void withoutMentionsTheTextIsAsBefore() {
    var protocol = new ChatProtocol(SECRET, 0, 10, 100);
    assertThat(protocol.sendPacket(3, 1L, 1, 5)).doesNotContain("@");
    assertThat(protocol.readEveryMs()).isZero();
  }

  @Test
  void readsNameTheRoomAndTheNewestDeliveredId() {
    var protocol = new ChatProtocol(SECRET, 0, 10, 100, new ChatProtocol.Reading(0, 1000, 2000));
    assertThat(protocol.readEveryMs()).isEqualTo(2000);
    String room = Frames.roomName(4);
    assertThat(protocol.readPacket(4, 123))
        .isEqualTo("42[\"read\",{\"roomId\":\"" + room + "\",\"messageId\":123}]");
    byte[] event =
        "42[\"message:new\",{\"id\":98765,\"roomId\":\"r4\",\"userId\":\"lt-0-1\",\"text\":\"t=1 x\"}]"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(protocol.deliveredId(event, event.length)).isEqualTo(98765);
  }
}
