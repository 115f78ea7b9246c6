package chat.nexus.socketio.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The msgpack codec on notepack.io's bytes, without sockets. */
class MsgpackTest {

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void roundTrip() {
    JsonArray value =
        new JsonArray()
            .add("uid")
            .add(
                new JsonObject()
                    .put("type", 2)
                    .put(
                        "data",
                        new JsonArray()
                            .add("event")
                            .add(1.5)
                            .add(-7)
                            .add(5_000_000_000L)
                            .add(true)
                            .addNull()
                            .add(Buffer.buffer(new byte[] {1, 2})))
                    .put("nsp", "/"));
    Object decoded = Msgpack.decode(Msgpack.encode(value));
    assertThat(decoded).isEqualTo(value);
  }

  @Test
  void notepackExtensions() {
    // [undefined, Date(0x0102030405), ArrayBuffer [9, 8]] as notepack.io writes them
    Object decoded =
        Msgpack.decode(hex("93 d4 00 00 d7 00 00 00 00 01 02 03 04 05 c7 02 00 09 08"));
    JsonArray array = (JsonArray) decoded;
    assertThat(array.getValue(0)).isNull();
    assertThat(array.getValue(1))
        .isEqualTo(java.time.Instant.ofEpochMilli(0x0102030405L).toString());
    assertThat(((Buffer) array.getList().get(2)).getBytes())
        .containsExactly(9, 8); // (getValue gives binary as base64)
  }

  @Test
  void hostileInputIsRefusedNotThrownAround() {
    assertThatThrownBy(() -> Msgpack.decode(hex("dd ff ff ff ff")))
        .isInstanceOf(IllegalArgumentException.class); // array of 4G items
    assertThatThrownBy(() -> Msgpack.decode(hex("c6 7f ff ff ff 00")))
        .isInstanceOf(IllegalArgumentException.class); // bin past the end
    byte[] deep = new byte[Msgpack.MAX_DEPTH + 10];
    java.util.Arrays.fill(deep, (byte) 0x91); // arrays of one array of one array ...
    assertThatThrownBy(() -> Msgpack.decode(deep)).isInstanceOf(IllegalArgumentException.class);
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      byte[] garbage = new byte[random.nextInt(40)];
      random.nextBytes(garbage);
      try {
        Msgpack.decode(garbage);
      } catch (IllegalArgumentException expected) {
        // refused: fine
      }
    }
  }
}
