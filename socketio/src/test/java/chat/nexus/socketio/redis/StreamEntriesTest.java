package chat.nexus.socketio.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The npm streams adapter's entry and session formats, without Redis: data as JSON unless it
 * carries binary (then base64 msgpack), offsets, and sessions that hold only portable data.
 */
class StreamEntriesTest {

  private static final int BROADCAST = ClusterMessageAdapter.BROADCAST;

  @Test
  void dataIsJsonWithoutBinaryAndBase64MsgpackWithIt() {
    JsonObject plain =
        new JsonObject()
            .put("packet", new JsonObject().put("type", 2).put("data", new JsonArray().add("hi")));
    String json = StreamEntries.encodeData(BROADCAST, plain);
    assertThat(json).startsWith("{");
    assertThat(StreamEntries.decodeData(json)).isEqualTo(plain);

    JsonObject binary =
        new JsonObject()
            .put(
                "packet",
                new JsonObject()
                    .put("type", 2)
                    .put("data", new JsonArray().add(Buffer.buffer(new byte[] {1, 2, 3}))));
    String encoded = StreamEntries.encodeData(BROADCAST, binary);
    assertThat(encoded).doesNotStartWith("{");
    assertThat(Msgpack.decode(Base64.getDecoder().decode(encoded))).isInstanceOf(JsonObject.class);
    JsonObject decoded = StreamEntries.decodeData(encoded);
    Object bytes = decoded.getJsonObject("packet").getJsonArray("data").getList().get(0);
    assertThat(((Buffer) bytes).getBytes()).containsExactly(1, 2, 3);
  }

  @Test
  void roomOperationsAreJsonEvenWithBinaryLookingRooms() {
    JsonObject join =
        new JsonObject()
            .put("opts", new JsonObject().put("rooms", new JsonArray().add("r")))
            .put("rooms", new JsonArray().add("r2"));
    assertThat(StreamEntries.encodeData(ClusterMessageAdapter.SOCKETS_JOIN, join)).startsWith("{");
  }

  @Test
  void offsetsAreStreamIds() {
    assertThat(StreamEntries.isOffset("1733500000000-0")).isTrue();
    assertThat(StreamEntries.isOffset("1733500000000")).isFalse();
    assertThat(StreamEntries.isOffset("abc")).isFalse();
    assertThat(StreamEntries.isOffset("1-2-3")).isFalse();
    assertThat(StreamEntries.next("1733500000000-0")).isEqualTo("1733500000000-1");
    assertThat(StreamEntries.next("5-41")).isEqualTo("5-42");
  }

  @Test
  void sessionsRoundTripWithTheirPortableData() {
    Map<String, Object> data = new HashMap<>();
    data.put("userId", "u1");
    data.put("count", 3);
    data.put("nested", new JsonObject().put("list", new JsonArray().add(1).add("x")));
    data.put("object", new Object()); // an application object: stays on its node
    data.put("listWithObject", List.of("a", new Object()));
    String stored =
        StreamEntries.encodeSession(
            "sid1", "pid1", Set.of("sid1", "room"), StreamSessions.portable(data));
    JsonObject session = StreamEntries.decodeSession(Buffer.buffer(stored));
    assertThat(session.getString("sid")).isEqualTo("sid1");
    assertThat(session.getString("pid")).isEqualTo("pid1");
    assertThat(Wire.strings(session.getValue("rooms"))).containsExactlyInAnyOrder("sid1", "room");
    assertThat(session.getJsonObject("data").fieldNames())
        .containsExactlyInAnyOrder("userId", "count", "nested");
    assertThat(session.getJsonObject("data").getJsonObject("nested").getJsonArray("list"))
        .containsExactly(1, "x");
  }
}
