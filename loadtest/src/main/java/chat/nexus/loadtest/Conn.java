package chat.nexus.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One Socket.IO client connection, and the last handler of its Netty pipeline (HTTP codec for the
 * upgrade, then WebSocket frames). Every callback runs on the event loop that owns its channel.
 * Text frames are copied into the loop's scratch array and scanned as bytes; no strings are
 * decoded.
 */
final class Conn extends ChannelInboundHandlerAdapter {
  /** Largest HTTP response (the upgrade, or a rejection with its body) the handshake accepts. */
  private static final int MAX_HTTP_RESPONSE = 65_536;

  final Swarm swarm;
  final int client; // global index
  final int room;

  /** Talks to a companion (ladder) instead of chatting in {@link #room}. */
  final boolean ai;

  private final Scratch scratch;

  /** A guest token obtained before connecting; null: the protocol mints one. */
  String token;

  /** When the TCP connect started (System.nanoTime), for the connect time. */
  long startNanos;

  /** Companion clients: the send time (epoch µs) of the message whose reply is awaited, or 0. */
  long aiSentAt;

  /** The newest message id delivered to this client, and the newest it marked as read. */
  long seenId;

  long readId;

  /** Companion clients: no token of the awaited reply has arrived yet. */
  boolean aiFirstPending;

  volatile Channel ch;
  volatile boolean ready;
  private volatile boolean done;
  private boolean upgraded; // the WebSocket handshake completed
  private WebSocketClientHandshaker handshaker;
  private byte[] partial; // a fragmented message so far (rare)
  private int partialLen;
  private AckTable acks; // created by the first acked send

  /**
   * A per-event-loop array that frames are copied into for scanning (never kept past the callback).
   */
  static final class Scratch {
    private byte[] buf = new byte[4096];

    byte[] get(int n) {
      if (buf.length < n) buf = new byte[Math.max(n, 2 * buf.length)];
      return buf;
    }
  }

  Conn(Swarm swarm, int client, int room, boolean ai, Scratch scratch) {
    this.swarm = swarm;
    this.client = client;
    this.room = room;
    this.ai = ai;
    this.scratch = scratch;
  }

  boolean isOpen() {
    return ready && !done;
  }

  /**
   * Open, and not waiting for {@link AckTable#CAPACITY} acks already; a companion client: no reply
   * awaited.
   */
  boolean canSend() {
    return isOpen() && (acks == null || !acks.full()) && aiSentAt == 0;
  }

  AckTable acks() {
    if (acks == null) acks = new AckTable();
    return acks;
  }

  /** The polling transport of this connection ({@code --transport polling}); null on websocket. */
  Polling polling;

  /** Writes one text message and flushes it (polling: queues it for the next POST). */
  void send(String text) {
    if (polling != null) {
      polling.send(text);
      return;
    }
    Channel c = ch;
    if (c == null) return;
    c.writeAndFlush(
        new TextWebSocketFrame(ByteBufUtil.writeUtf8(c.alloc(), text)), c.voidPromise());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.pipeline().addBefore(ctx.name(), "http", new HttpClientCodec());
    ctx.pipeline()
        .addBefore(ctx.name(), "http-aggregator", new HttpObjectAggregator(MAX_HTTP_RESPONSE));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ch = ctx.channel();
    handshaker =
        new WebSocketClientHandshaker13(
            swarm.wsUri,
            WebSocketVersion.V13,
            null,
            false,
            EmptyHttpHeaders.INSTANCE,
            swarm.maxFramePayload,
            true,
            false);
    handshaker
        .handshake(ch)
        .addListener(
            f -> {
              if (!f.isSuccess()) fail("ws:" + f.cause().getClass().getSimpleName());
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof WebSocketFrame f) onFrame(f);
      else if (msg instanceof FullHttpResponse r && !upgraded) onUpgrade(r);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onUpgrade(FullHttpResponse r) {
    try {
      handshaker.finishHandshake(ch, r);
    } catch (WebSocketClientHandshakeException e) {
      fail(
          r.status().code() != 101
              ? "http:" + r.status().code()
              : "ws:" + e.getClass().getSimpleName());
      return;
    }
    upgraded = true;
    ch.eventLoop().schedule(this::timeout, swarm.spec.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
  }

  private void onFrame(WebSocketFrame f) {
    boolean continuation = f instanceof ContinuationWebSocketFrame;
    if (f instanceof TextWebSocketFrame || continuation) {
      ByteBuf c = f.content();
      int n = c.readableBytes();
      if (!f.isFinalFragment() || partial != null) { // rare: fragmented message
        if (partial == null) partial = new byte[Math.max(256, n)];
        if (partialLen + n > partial.length)
          partial = Arrays.copyOf(partial, Math.max(partialLen + n, 2 * partial.length));
        c.getBytes(c.readerIndex(), partial, partialLen, n);
        partialLen += n;
        if (!f.isFinalFragment()) return;
        byte[] b = partial;
        int len = partialLen;
        partial = null;
        partialLen = 0;
        if (len > 0) onPacket(b, len);
        return;
      }
      if (n == 0) return;
      byte[] b = scratch.get(n);
      c.getBytes(c.readerIndex(), b, 0, n);
      onPacket(b, n);
    } else if (f instanceof PingWebSocketFrame) {
      ch.writeAndFlush(new PongWebSocketFrame(f.content().retain()), ch.voidPromise());
    } else if (f instanceof CloseWebSocketFrame) {
      close();
    }
    // binary and pong frames: ignored
  }

  /** One Engine.IO packet, {@code b[0..n)}, n > 0. */
  void onPacket(byte[] b, int n) {
    switch (b[0]) {
      case '2' -> { // Engine.IO ping -> pong
        send(Frames.PONG);
        swarm.meter.onPong();
      }
      case '4' -> {
        byte type = n > 1 ? b[1] : 0;
        if (type == '2') swarm.meter.onEvent(this, b, n);
        else if (type == '3') swarm.meter.onAck(this, b, n);
        else if (type == '0') onConnected();
        else if (type == '4') fail("connect:" + Frames.connectErrorMessage(b, n)); // CONNECT_ERROR
        else if (type == '1') close(); // server-side disconnect
      }
      case '0' -> send(swarm.connectPacket(this)); // Engine.IO open
      case '1' -> close();
      default -> {}
    }
  }

  /** CONNECT acknowledged: ready now, or once the join event is acked ({@link #joined}). */
  private void onConnected() {
    if (ready || done) return;
    String join = swarm.joinPacket(this);
    if (join == null) joined();
    else send(join);
  }

  void joined() {
    if (ready || done) return;
    ready = true;
    swarm.meter.onReady(this);
  }

  /** The handshake (connect, upgrade, or Socket.IO connect/join) failed for {@code reason}. */
  void fail(String reason) {
    if (!ready && !done) {
      done = true;
      swarm.meter.onFailed(reason);
    }
    close();
  }

  /** Handshake did not finish in time. */
  void timeout() {
    if (!ready && !done) fail("timeout");
  }

  /** Not even upgraded to a WebSocket in time. */
  void upgradeTimeout() {
    if (!upgraded && !done) fail("timeout");
  }

  /** Sends a close frame when the WebSocket is up, then closes the socket. */
  private void close() {
    if (polling != null) {
      polling.close();
      return;
    }
    Channel c = ch;
    if (c == null || !c.isOpen()) return;
    if (upgraded)
      c.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
    else c.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!upgraded) fail("ws:" + cause.getClass().getSimpleName());
    else ctx.close();
  }

  /**
   * Polling: the handshake answered (the counterpart of the websocket upgrade); the CONNECT must
   * follow in time.
   */
  void pollingOpened() {
    upgraded = true;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    transportClosed();
  }

  /** The transport is gone (socket closed, or the polling session ended). */
  void transportClosed() {
    if (done) return;
    done = true;
    if (ready) swarm.meter.onClosed(this);
    else swarm.meter.onFailed("closed");
  }
}
