package chat.nexus.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The websocket transport, and the channel's last handler. Outbound frames are encoded once ({@link
 * OutFrame#webSocketFrame()}) and written as raw bytes below Netty's frame encoder, then flushed
 * once per event-loop turn by {@link FlushBatcher}. Netty's outbound buffer holds what the client
 * has not read; its high-water mark is the per-connection buffer limit. Inbound frames are handed
 * to the session, fragmented messages reassembled up to maxPayload.
 */
final class WebSocketTransport extends ChannelInboundHandlerAdapter implements Transport {

  static final String NAME = "websocket";

  private final int maxPayload;
  private final int maxBufferedBytes;
  private EngineSocket session;
  private ChannelHandlerContext ctx;
  private Channel channel;
  private EventLoop eventLoop;
  private ByteBuf fragments;
  private boolean fragmentsBinary;
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

  EventLoop eventLoop() {
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

  void send(OutFrame frame) {
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
  public long bufferedBytes() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  @Override
  public void close(boolean notifyClient) {
    closeWith(WebSocketCloseStatus.NORMAL_CLOSURE.code(), null);
  }

  /**
   * Ends the connection without a close frame, after writing what is queued: the client sees an
   * abnormal closure and reconnects. Used when the server shuts down, because the official Java
   * client (OkHttp, no onClosing listener) stops reading after a close frame and would only notice
   * at its ping timeout.
   */
  void abort() {
    if (!eventLoop.inEventLoop()) {
      eventLoop.execute(this::abort);
      return;
    }
    if (closed) {
      return;
    }
    closed = true;
    releaseFragments();
    ctx.flush();
    ctx.close();
  }

  /** Closes with a websocket status code and reason the client can see. */
  void closeWith(int status, String reason) {
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
    releaseFragments();
    if (channel.isActive()) {
      ctx.writeAndFlush(new CloseWebSocketFrame(status, reason))
          .addListener(ChannelFutureListener.CLOSE);
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

  private void onFrame(WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
      if (fragments != null) {
        failProtocol(WebSocketCloseStatus.PROTOCOL_ERROR, "new message before the last one ended");
        return;
      }
      boolean binary = frame instanceof BinaryWebSocketFrame;
      if (frame.isFinalFragment()) {
        deliver(frame.content(), binary);
      } else {
        fragmentsBinary = binary;
        fragments = ctx.alloc().compositeBuffer().addComponent(true, frame.content().retain());
      }
    } else if (frame instanceof ContinuationWebSocketFrame) {
      if (fragments == null) {
        failProtocol(WebSocketCloseStatus.PROTOCOL_ERROR, "continuation without a message");
        return;
      }
      if (fragments.readableBytes() + frame.content().readableBytes() > maxPayload) {
        failProtocol(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over " + maxPayload + " bytes");
        return;
      }
      ((io.netty.buffer.CompositeByteBuf) fragments).addComponent(true, frame.content().retain());
      if (frame.isFinalFragment()) {
        ByteBuf whole = fragments;
        fragments = null;
        try {
          deliver(whole, fragmentsBinary);
        } finally {
          whole.release();
        }
      }
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      closed = true;
      releaseFragments();
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void deliver(ByteBuf content, boolean binary) {
    if (session == null) {
      return;
    }
    if (binary) {
      session.onWebSocketBinary(this, Buffer.buffer(ByteBufUtil.getBytes(content)));
    } else {
      session.onWebSocketText(this, content.toString(StandardCharsets.UTF_8));
    }
  }

  private void failProtocol(WebSocketCloseStatus status, String reason) {
    if (session != null) {
      session.onWebSocketGone(this, EngineSocket.TRANSPORT_ERROR);
    }
    closeWith(status.code(), reason);
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    releaseFragments();
    if (session != null) {
      session.onWebSocketGone(this, EngineSocket.TRANSPORT_CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (session != null) {
      session.onWebSocketGone(this, EngineSocket.TRANSPORT_ERROR);
    }
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      closeWith(corrupted.closeStatus().code(), corrupted.getMessage());
    } else {
      closed = true;
      releaseFragments();
      ctx.close();
    }
  }
}
