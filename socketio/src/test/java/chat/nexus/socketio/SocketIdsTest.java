package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Socket ids name each socket's private room: 20 characters as the reference server's (the npm
 * sharded Redis adapter tells private rooms by that length), unique, and marked with a character
 * that no application's room-id alphabet of letters, digits and {@code _-:.} lets through.
 */
class SocketIdsTest {

  private static final int IDS = 10_000;

  @Test
  void idsAreTwentyCharactersUniqueAndOutsideTheRoomIdAlphabet() {
    Vertx vertx = Vertx.vertx();
    try {
      SocketIoServer io = SocketIoServer.create(vertx, SocketIoOptions.builder().build());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < IDS; i++) {
        String id = io.newSocketId();
        assertThat(id)
            .hasSize(20)
            .doesNotMatch("[A-Za-z0-9_\\-:.]+")
            .matches("[A-Za-z0-9_\\-]{19}~");
        assertThat(SocketIoServer.isSocketId(id)).isTrue();
        assertThat(seen.add(id)).as("unique: %s", id).isTrue();
      }
      assertThat(SocketIoServer.isSocketId("lobby")).isFalse();
      assertThat(SocketIoServer.isSocketId("abcdefghijklmnopqrst")).isFalse();
    } finally {
      vertx.close();
    }
  }
}
