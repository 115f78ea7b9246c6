package chat.nexus.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The websocket path without a network: a session on a {@link WebSocketTransport} in an {@link
 * EmbeddedChannel} whose pipeline is the one the upgrade leaves (Netty's frame decoder and encoder,
 * then the transport). A client made of Netty's own client-side codec sends masked frames and reads
 * what the server wrote.
 *
 * <p>Everything runs on the session's event-loop thread, as in the server, where a websocket of a
 * new session lives on the loop of its session: the embedded channel counts every thread as its
 * event loop, so each step is handed to that thread ({@link #onLoop}). {@link SocketEnd} counts
 * flushes, plays a client that stops reading, and marks a turn of the loop.
 */
class WebSocketTransportTest {

  private static final int MAX_PAYLOAD = 1_000;
  private static final int MAX_BUFFERED = 4_096;
  private static final long GRACE_MS = 50;
  private static final long TIMEOUT_S = 10;

  private static Vertx vertx;
  private static Context context;
  private static EngineIoServer server;

  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> closeReason = new CompletableFuture<>();
  private final SocketEnd socket = new SocketEnd();
  private final List<WebSocketFrame> serverFrames = new ArrayList<>();
  private EmbeddedChannel channel;
  private EngineSocket session;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    EngineIoOptions options =
        EngineIoOptions.builder()
            .maxPayload(MAX_PAYLOAD)
            .maxBufferedBytes(MAX_BUFFERED)
            .slowClientGraceMs(GRACE_MS)
            .pingIntervalMs(600_000)
            .build();
    server = new EngineIoServer(vertx, options);
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(TIMEOUT_S, TimeUnit.SECONDS);
  }

  @BeforeEach
  void openSession() throws Exception {
    onLoop(
        () -> {
          WebSocketTransport transport = new WebSocketTransport(MAX_PAYLOAD, MAX_BUFFERED);
          channel =
              new EmbeddedChannel(
                  socket,
                  new WebSocket13FrameDecoder(WebSocketUpgrade.decoderConfig(MAX_PAYLOAD)),
                  new WebSocket13FrameEncoder(false),
                  transport);
          EngineSocket.RequestInfo request =
              new EngineSocket.RequestInfo(
                  "/engine.io/", MultiMap.caseInsensitiveMultiMap(), "", false);
          session = new EngineSocket("sid1", server, context, request, transport, null);
          transport.bind(session);
          session.messageHandler(received::add).closeHandler(closeReason::complete);
          session.open();
          channel.runPendingTasks();
          return null;
        });
    assertThat(text(nextFrame())).startsWith("0{\"sid\":\"sid1\"");
  }

  @AfterEach
  void closeChannel() throws Exception {
    onLoop(
        () -> {
          channel.runPendingTasks();
          channel.finishAndReleaseAll();
          return null;
        });
  }

  @Test
  void textAndBinaryMessagesReachTheSession() throws Exception {
    receive(new TextWebSocketFrame("4hello"));
    receive(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS))
        .isEqualTo(Buffer.buffer(new byte[] {1, 2, 3}));
  }

  @Test
  void fragmentedMessageIsJoinedByNettysAggregatorAddedAtTheFirstFragment() throws Exception {
    assertThat(onLoop(() -> channel.pipeline().get(WebSocketFrameAggregator.class))).isNull();
    receive(
        new TextWebSocketFrame(false, 0, "4hel"),
        new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})),
        new ContinuationWebSocketFrame(false, 0, "lo "),
        new ContinuationWebSocketFrame(true, 0, "world"));
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("hello world");
    WebSocketFrame pong = nextFrame();
    assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
    pong.release();
    assertThat(onLoop(() -> channel.pipeline().get(WebSocketFrameAggregator.class))).isNotNull();

    receive(
        new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1})),
        new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {2})));
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS))
        .isEqualTo(Buffer.buffer(new byte[] {1, 2}));
    receive(new TextWebSocketFrame("4whole"));
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("whole");
  }

  @Test
  void messageAtMaxPayloadInFragmentsIsAccepted() throws Exception {
    String data = "x".repeat(MAX_PAYLOAD - 1);
    receive(
        new TextWebSocketFrame(false, 0, "4" + data.substring(0, 500)),
        new ContinuationWebSocketFrame(true, 0, data.substring(500)));
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo(data);
  }

  /**
   * Over maxPayload in fragments: the session, on this loop, closes first (normal closure), before
   * the transport's own 1009 could go out; the client sees 1000 and reconnects.
   */
  @Test
  void fragmentsOverMaxPayloadCloseTheConnection() throws Exception {
    String half = "x".repeat(MAX_PAYLOAD / 2);
    receive(
        new TextWebSocketFrame(false, 0, "4" + half),
        new ContinuationWebSocketFrame(false, 0, half));
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("transport error");
    CloseWebSocketFrame close = (CloseWebSocketFrame) nextFrame();
    assertThat(close.statusCode()).isEqualTo(1000);
    assertThat(onLoop(() -> channel.isActive())).isFalse();
    assertThat(received).isEmpty();
  }

  /** One frame over maxPayload: Netty's decoder refuses it and the connection ends. */
  @Test
  void frameOverMaxPayloadIsRefusedByTheDecoder() throws Exception {
    receive(new TextWebSocketFrame("4" + "x".repeat(MAX_PAYLOAD)));
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("transport error");
    assertThat(onLoop(() -> channel.isActive())).isFalse();
    assertThat(received).isEmpty();
  }

  @Test
  void pingIsAnsweredAtOnceWithItsPayload() throws Exception {
    onLoop(
        () ->
            channel.writeInbound(
                clientBytes(
                    new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'h', 'i'})))));
    PongWebSocketFrame pong = (PongWebSocketFrame) nextFrame();
    assertThat(utf8(pong.content())).isEqualTo("hi");
    pong.release();
    assertThat(session.isClosed()).isFalse();
  }

  @Test
  void clientCloseIsAnsweredWithNormalClosure() throws Exception {
    receive(new CloseWebSocketFrame(1001, "going away"));
    CloseWebSocketFrame close = (CloseWebSocketFrame) nextFrame();
    assertThat(close.statusCode()).isEqualTo(1000);
    assertThat(onLoop(() -> channel.isActive())).isFalse();
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("transport close");
  }

  @Test
  void closePacketClosesTheSession() throws Exception {
    receive(new TextWebSocketFrame("1"));
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("transport close");
    assertThat(((CloseWebSocketFrame) nextFrame()).statusCode()).isEqualTo(1000);
  }

  @Test
  void serverShutdownDropsTheConnectionWithoutACloseFrame() throws Exception {
    session.close(EngineSocket.SERVER_SHUTTING_DOWN);
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("server shutting down");
    assertThat(onLoop(() -> channel.isActive())).isFalse();
    assertThat(nextFrameOrNull()).isNull();
  }

  /** Frames of one turn leave in order with one flush, after the turn (the flush batcher). */
  @Test
  void framesOfOneTurnLeaveWithOneFlush() throws Exception {
    int before = onLoop(() -> socket.flushes);
    onLoop(
        () -> {
          SocketEnd.turn(
              channel,
              () -> {
                session.sendMessage("a");
                session.send(List.of(OutFrame.message("b"), OutFrame.message("c")));
                session.sendBinary(new byte[] {9});
                assertThat(socket.flushes).as("nothing flushed within the turn").isEqualTo(before);
              });
          return null;
        });
    assertThat(text(nextFrame())).isEqualTo("4a");
    assertThat(text(nextFrame())).isEqualTo("4b");
    assertThat(text(nextFrame())).isEqualTo("4c");
    WebSocketFrame binary = nextFrame();
    assertThat(binary).isInstanceOf(BinaryWebSocketFrame.class);
    binary.release();
    assertThat(onLoop(() -> socket.flushes)).isEqualTo(before + 1);
  }

  /** A client that reads nothing for the grace period is closed with 1008 and why. */
  @Test
  void clientOverTheBufferLimitForTheGracePeriodIsClosed() throws Exception {
    onLoop(
        () -> {
          socket.stalled = true;
          session.sendMessage("x".repeat(MAX_BUFFERED));
          assertThat(session.isWritable()).isFalse();
          return null;
        });
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("transport error");
    onLoop(
        () -> {
          socket.stalled = false;
          channel.flush(); // the client reads again: the held bytes, then the close frame
          return null;
        });
    assertThat(text(nextFrame())).hasSize(MAX_BUFFERED + 1);
    CloseWebSocketFrame close = (CloseWebSocketFrame) nextFrame();
    assertThat(close.statusCode()).isEqualTo(1008);
    assertThat(close.reasonText())
        .isEqualTo("outbound buffer over " + MAX_BUFFERED + " bytes for " + GRACE_MS + " ms");
    close.release();
    assertThat(onLoop(() -> channel.isActive())).isFalse();
  }

  /** A client that never reads again does not keep the connection by not taking the close frame. */
  @Test
  void clientThatNeverReadsIsDisconnectedWithoutTheCloseFrame() throws Exception {
    onLoop(
        () -> {
          socket.stalled = true;
          session.sendMessage("x".repeat(MAX_BUFFERED));
          return null;
        });
    assertThat(closeReason.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("transport error");
    // The embedded channel runs its timers only when asked: ask until the close frame's time is up.
    long deadline =
        System.nanoTime()
            + TimeUnit.MILLISECONDS.toNanos(WebSocketTransport.CLOSE_FRAME_TIMEOUT_MS)
            + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    boolean active = true;
    while (active && System.nanoTime() < deadline) {
      Thread.sleep(50);
      active =
          onLoop(
              () -> {
                channel.runScheduledPendingTasks();
                return channel.isActive();
              });
    }
    assertThat(active).as("closed with the close frame unsent").isFalse();
  }

  @Test
  void clientThatCatchesUpWithinTheGracePeriodStays() throws Exception {
    onLoop(
        () -> {
          socket.stalled = true;
          session.sendMessage("x".repeat(MAX_BUFFERED));
          assertThat(session.isWritable()).isFalse();
          socket.stalled = false;
          channel.flush(); // the client read it all
          assertThat(session.isWritable()).isTrue();
          return null;
        });
    // a task due after the grace period on the same loop runs after the session's check
    CompletableFuture<Boolean> closedAfterGrace = new CompletableFuture<>();
    session
        .eventLoop()
        .schedule(
            () -> closedAfterGrace.complete(session.isClosed()),
            GRACE_MS * 3,
            TimeUnit.MILLISECONDS);
    assertThat(closedAfterGrace.get(TIMEOUT_S, TimeUnit.SECONDS)).isFalse();
    assertThat(text(nextFrame())).hasSize(MAX_BUFFERED + 1);
  }

  // ---- the client side ----

  /** Sends frames from the client: masked by Netty's client encoder, into the server channel. */
  private void receive(WebSocketFrame... frames) throws Exception {
    onLoop(
        () -> {
          for (WebSocketFrame frame : frames) {
            channel.writeInbound(clientBytes(frame));
          }
          channel.runPendingTasks();
          return null;
        });
  }

  private static ByteBuf clientBytes(WebSocketFrame frame) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    client.writeOutbound(frame);
    ByteBuf bytes = Unpooled.buffer();
    for (ByteBuf part; (part = client.readOutbound()) != null; ) {
      bytes.writeBytes(part);
      part.release();
    }
    client.finishAndReleaseAll();
    return bytes;
  }

  private WebSocketFrame nextFrame() throws Exception {
    WebSocketFrame frame = nextFrameOrNull();
    assertThat(frame).as("a frame from the server").isNotNull();
    return frame;
  }

  /** The next frame the server wrote and flushed, decoded by a client-side decoder. */
  private WebSocketFrame nextFrameOrNull() throws Exception {
    return onLoop(
        () -> {
          if (serverFrames.isEmpty()) {
            EmbeddedChannel client =
                new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
            for (Object out; (out = channel.readOutbound()) != null; ) {
              client.writeInbound(out);
            }
            for (WebSocketFrame frame; (frame = client.readInbound()) != null; ) {
              serverFrames.add(frame);
            }
            client.finishAndReleaseAll();
          }
          return serverFrames.isEmpty() ? null : serverFrames.remove(0);
        });
  }

  private static String text(WebSocketFrame frame) {
    assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
    String text = ((TextWebSocketFrame) frame).text();
    frame.release();
    return text;
  }

  private static String utf8(ByteBuf content) {
    return content.toString(StandardCharsets.UTF_8);
  }

  /** Runs the step on the session's event-loop thread and waits for it. */
  private static <T> T onLoop(Callable<T> step) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(step.call());
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(TIMEOUT_S, TimeUnit.SECONDS);
  }
}
