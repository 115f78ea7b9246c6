package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-turn flush of websocket writes, on {@link EmbeddedChannel}s. */
class FlushBatcherTest {

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void finish() {
    channels.forEach(EmbeddedChannel::runPendingTasks);
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  @Test
  void writesOfATurnLeaveWithOneFlushAtItsEnd() {
    SocketEnd socket = new SocketEnd();
    EmbeddedChannel channel = channel(socket);
    WebSocketTransport transport = channel.pipeline().get(WebSocketTransport.class);

    SocketEnd.turn(
        channel,
        () -> {
          transport.send(OutFrame.message("a"));
          transport.send(List.of(OutFrame.message("b"), OutFrame.message("c")));
          assertThat((Object) channel.readOutbound())
              .as("nothing flushed within the turn")
              .isNull();
          assertThat(socket.flushes).isZero();
        });

    assertThat(socket.flushes).isEqualTo(1);
    assertThat(written(channel)).containsExactly("81 02 34 61", "81 02 34 62", "81 02 34 63");
  }

  @Test
  void oneTaskFlushesEveryChannelWrittenInTheTurn() {
    SocketEnd firstSocket = new SocketEnd();
    SocketEnd secondSocket = new SocketEnd();
    EmbeddedChannel first = channel(firstSocket);
    EmbeddedChannel second = channel(secondSocket);
    OutFrame shared = OutFrame.message("x");
    shared.shareOffHeap();

    SocketEnd.turn(
        first,
        () -> {
          first.pipeline().get(WebSocketTransport.class).send(shared);
          second.pipeline().get(WebSocketTransport.class).send(shared);
          second.pipeline().get(WebSocketTransport.class).send(shared);
          assertThat(second.hasPendingTasks()).as("one flush task, on the loop").isFalse();
          assertThat(secondSocket.flushes).isZero();
        });

    assertThat(firstSocket.flushes).isEqualTo(1);
    assertThat(secondSocket.flushes).isEqualTo(1);
    assertThat(written(first)).containsExactly("81 02 34 78");
    assertThat(written(second)).containsExactly("81 02 34 78", "81 02 34 78");
  }

  @Test
  void nextTurnGetsItsOwnFlush() {
    SocketEnd socket = new SocketEnd();
    EmbeddedChannel channel = channel(socket);
    WebSocketTransport transport = channel.pipeline().get(WebSocketTransport.class);

    SocketEnd.turn(channel, () -> transport.send(OutFrame.message("a")));
    SocketEnd.turn(channel, () -> transport.send(OutFrame.message("b")));

    assertThat(socket.flushes).isEqualTo(2);
    assertThat(written(channel)).containsExactly("81 02 34 61", "81 02 34 62");
  }

  @Test
  void closedTransportIsNotFlushedAgain() {
    SocketEnd socket = new SocketEnd();
    EmbeddedChannel channel = channel(socket);
    WebSocketTransport transport = channel.pipeline().get(WebSocketTransport.class);

    SocketEnd.turn(
        channel,
        () -> {
          transport.send(OutFrame.message("a"));
          // a server shutting down: what was written leaves, then the connection closes
          transport.close(Transport.Ending.SHUTDOWN, null);
        });

    assertThat(socket.flushes).isEqualTo(1);
    assertThat(written(channel)).containsExactly("81 02 34 61");
    assertThat(channel.isActive()).isFalse();
  }

  /** A channel whose pipeline ends with a websocket transport that has no session. */
  private EmbeddedChannel channel(SocketEnd socket) {
    EmbeddedChannel channel = new EmbeddedChannel(socket, new WebSocketTransport(1_000, 1 << 20));
    channels.add(channel);
    return channel;
  }

  /** The bytes flushed to the channel, one hex string per write. */
  private static List<String> written(EmbeddedChannel channel) {
    List<String> writes = new ArrayList<>();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      writes.add(hex(buf));
      buf.release();
    }
    return writes;
  }

  private static String hex(ByteBuf buf) {
    StringBuilder hex = new StringBuilder();
    for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
      if (hex.length() > 0) {
        hex.append(' ');
      }
      hex.append(String.format("%02x", buf.getByte(i)));
    }
    return hex.toString();
  }
}
