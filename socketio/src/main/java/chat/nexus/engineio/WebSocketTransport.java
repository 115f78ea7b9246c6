package chat.nexus.engineio;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The websocket transport, and the channel's last handler. Outbound frames are encoded once ({@link
 * OutFrame#webSocketFrame()}) and written as raw bytes below Netty's frame encoder, then flushed
 * once per event-loop turn by {@link FlushBatcher}. Netty's outbound buffer holds what the client
 * has not read; its high-water mark is the per-connection buffer limit.
 *
 * <p>Inbound, Netty's frame decoder checks the framing (masks, opcodes, the order of fragments, the
 * size of a frame) and Netty's {@link WebSocketFrameAggregator} joins fragmented messages up to
 * maxPayload (see {@link #startJoiningFragments}). Ping and close frames are answered here, not by
 * Netty's WebSocketServerProtocolHandler, which does not fit: it makes the handshake itself from an
 * HTTP request travelling down the pipeline (its handshake handler casts every message to one),
 * whereas ours is made from the request Vert.x parsed; and it echoes the client's close status,
 * where this server answers 1000 (normal closure) whatever the client sent.
 */
final class WebSocketTransport extends ChannelInboundHandlerAdapter implements Transport {

  static final String NAME = "websocket";

  /** How long a close frame may wait behind unread data before the connection closes without it. */
  static final long CLOSE_FRAME_TIMEOUT_MS = 1_000;

  private final int maxPayload;
  private final int maxBufferedBytes;
  private EngineSocket session;
  private ChannelHandlerContext ctx;
  private Channel channel;
  private EventLoop eventLoop;
  boolean flushPending;
  private volatile boolean closed;

  WebSocketTransport(int maxPayload, int maxBufferedBytes) {
    this.maxPayload = maxPayload;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  /** Routes this websocket's events to the session. Call once the handshake completed. */
  void bind(EngineSocket session) {
    this.session = session;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.eventLoop = channel.eventLoop();
    channel
        .config()
        .setWriteBufferWaterMark(new WriteBufferWaterMark(maxBufferedBytes / 2, maxBufferedBytes));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EventLoop writeLoop() {
    return eventLoop;
  }

  @Override
  public void send(List<OutFrame> frames) {
    if (eventLoop.inEventLoop()) {
      for (int i = 0; i < frames.size(); i++) {
        write(frames.get(i));
      }
    } else {
      eventLoop.execute(() -> send(frames));
    }
  }

  @Override
  public void send(OutFrame frame) {
    if (eventLoop.inEventLoop()) {
      write(frame);
    } else {
      eventLoop.execute(() -> write(frame));
    }
  }

  /**
   * Writes and flushes one control frame at once, outside the per-turn batching: used for the
   * upgrade probe, whose answer should not trail the HTTP responses Vert.x flushes in the same
   * turn.
   */
  void sendNow(OutFrame frame) {
    if (eventLoop.inEventLoop()) {
      write(frame);
      ctx.flush();
    } else {
      eventLoop.execute(() -> sendNow(frame));
    }
  }

  /** Writes one frame; must run on the channel's event loop. */
  private void write(OutFrame frame) {
    if (closed) {
      return;
    }
    ctx.write(frame.newWrite(), ctx.voidPromise());
    FlushBatcher.markDirty(this);
    if (!channel.isWritable() && session != null) {
      session.onOverLimit();
    }
  }

  void flushNow() {
    if (!closed) {
      ctx.flush();
    }
  }

  @Override
  public boolean writable() {
    return !closed && channel.isWritable();
  }

  @Override
  public boolean overLimit() {
    return !writable();
  }

  /**
   * A server shutting down drops the connection without a close frame (see {@link #abort()}); a
   * client over the buffer limit gets 1008 (policy violation) and the detail; any other ending is a
   * normal closure.
   */
  @Override
  public void close(Ending ending, String detail) {
    switch (ending) {
      case SHUTDOWN -> abort();
      case OVER_LIMIT -> closeWith(WebSocketCloseStatus.POLICY_VIOLATION.code(), detail);
      default -> closeNormally();
    }
  }

  /** Closes with 1000 (normal closure): also how a refused or abandoned upgrade ends. */
  void closeNormally() {
    closeWith(WebSocketCloseStatus.NORMAL_CLOSURE.code(), null);
  }

  /**
   * Ends the connection without a close frame, after writing what is queued: the client sees an
   * abnormal closure and reconnects. Used when the server shuts down, because the official Java
   * client (OkHttp, no onClosing listener) stops reading after a close frame and would only notice
   * at its ping timeout.
   */
  private void abort() {
    if (!eventLoop.inEventLoop()) {
      eventLoop.execute(this::abort);
      return;
    }
    if (closed) {
      return;
    }
    closed = true;
    ctx.flush();
    ctx.close();
  }

  /** Closes with a websocket status code and reason the client can see. */
  private void closeWith(int status, String reason) {
    if (eventLoop.inEventLoop()) {
      doClose(status, reason);
    } else {
      eventLoop.execute(() -> doClose(status, reason));
    }
  }

  private void doClose(int status, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    if (channel.isActive()) {
      closeAfter(ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)));
    }
  }

  /**
   * Closes the connection once the close frame is out, or after {@link #CLOSE_FRAME_TIMEOUT_MS}
   * without it: a peer that reads nothing (a zero TCP window) would otherwise keep the frame, and
   * the connection with its buffers and its place under the connection caps, forever.
   */
  private void closeAfter(ChannelFuture closeFrameWritten) {
    closeFrameWritten.addListener(ChannelFutureListener.CLOSE);
    if (!closeFrameWritten.isDone()) {
      eventLoop.schedule(() -> channel.close(), CLOSE_FRAME_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof WebSocketFrame frame && !closed) {
        onFrame(frame);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * A whole message (the aggregator joined its fragments), a ping or a close; pongs are ignored.
   */
  private void onFrame(WebSocketFrame frame) {
    if (!frame.isFinalFragment()) {
      startJoiningFragments(frame);
    } else if (frame instanceof TextWebSocketFrame) {
      if (session != null) {
        session.onWebSocketText(this, frame.content().toString(StandardCharsets.UTF_8));
      }
    } else if (frame instanceof BinaryWebSocketFrame) {
      if (session != null) {
        session.onWebSocketBinary(this, Buffer.buffer(ByteBufUtil.getBytes(frame.content())));
      }
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      closed = true;
      closeAfter(ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)));
    }
  }

  /**
   * The first fragment of the first fragmented message on this connection. Netty's aggregator joins
   * the pipeline right after the frame decoder and is handed this fragment again; from then on it
   * passes whole messages on. It joins only now because most clients never fragment a message
   * (browsers, Node's ws and the official clients send each as one frame), and a handler in the
   * pipeline of every idle connection costs it about 100 bytes. (Only the first fragment of a text
   * or binary message gets here: the decoder refuses fragmented control frames and continuations
   * without a start.)
   */
  private void startJoiningFragments(WebSocketFrame first) {
    ChannelHandlerContext decoder = ctx.pipeline().context(WebSocketFrameDecoder.class);
    ctx.pipeline().addAfter(decoder.name(), null, new WebSocketFrameAggregator(maxPayload));
    decoder.fireChannelRead(first.retain());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (session != null) {
      session.onWebSocketGone(this, EngineSocket.TRANSPORT_CLOSE);
    }
  }

  /**
   * Bad input ends the connection. The session hears of it first: when it lives on this event loop
   * it closes the websocket at once (normal closure), so the status below reaches the client only
   * when it lives on another loop (a websocket that upgraded a polling session).
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof PrematureChannelClosureException) {
      // The aggregator's report of a channel that closed in the middle of a fragmented message:
      // channelInactive follows and reports it as the close it is.
      return;
    }
    if (session != null) {
      session.onWebSocketGone(this, EngineSocket.TRANSPORT_ERROR);
    }
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      closeWith(corrupted.closeStatus().code(), corrupted.getMessage());
    } else if (cause instanceof TooLongFrameException) {
      // from the aggregator: the fragments of one message add up to more than maxPayload
      closeWith(
          WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message over " + maxPayload + " bytes");
    } else {
      closed = true;
      ctx.close();
    }
  }
}
