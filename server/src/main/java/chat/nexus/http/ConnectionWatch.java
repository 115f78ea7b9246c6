package chat.nexus.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection's deadlines, between Vert.x's HTTP codec and its connection handler,
 * where it sees each request head, body chunk and response end (Netty's own HTTP objects; nothing
 * of Vert.x):
 *
 * <ul>
 *   <li>the first request head must be complete {@code headerTimeoutMs} after the connection
 *       opened, a later one {@code idleTimeoutMs} after the previous response (a keep-alive
 *       connection's wait);
 *   <li>a request body gets {@code bodyTimeoutMs} plus a second per {@link
 *       ConnectionLimits#MIN_BODY_BYTES_PER_SECOND} bytes received;
 *   <li>while a response is being worked on, nothing here: Vert.x's idle timeout closes a silent
 *       one.
 * </ul>
 *
 * Trickling bytes does not move a deadline (Vert.x's idle timeout alone would restart at every
 * byte). A websocket upgrade (101) ends the watch: Engine.IO's heartbeat looks after the connection
 * from then on. A connection over the node's cap may ask for one of {@code overflowPaths} (the
 * health checks), nothing else. Runs on the connection's event loop only.
 */
final class ConnectionWatch extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatch.class);

  /**
   * A connection over the node's cap gets this long for its request: a health probe sends it at
   * once.
   */
  static final long OVERFLOW_REQUEST_TIMEOUT_MS = 2_000;

  private static final byte[] BUSY_BODY =
      ("{\"ok\":false,\"error\":{\"code\":\"UNAVAILABLE\","
              + "\"message\":\"the server has too many connections; try again shortly\",\"retryAfter\":1}}")
          .getBytes(StandardCharsets.UTF_8);

  private final ConnectionLimits limits;
  private final String peer;
  private final boolean overflow;
  private final Set<String> overflowPaths;
  private final Runnable onClose;

  /**
   * The per-address count of body bytes in flight, or null (a trusted proxy, or no per-address
   * caps).
   */
  private final ConnectionCounts bodies;

  /** Bytes of the body being received that {@link #bodies} counts for this connection. */
  private long bodyCounted;

  private ScheduledFuture<?> deadline;
  private int inFlight;
  private boolean responding;
  private boolean readingBody;
  private long bodyStartedAt;
  private long bodyBytes;
  private boolean dropping;

  /** Upgraded, and so out of the pipeline: the channel's close future calls {@link #gone}. */
  private boolean upgraded;

  private boolean closed;

  ConnectionWatch(
      ConnectionLimits limits,
      String peer,
      boolean overflow,
      Set<String> overflowPaths,
      Runnable onClose,
      ConnectionCounts bodies) {
    this.bodies = bodies;
    this.limits = limits;
    this.peer = peer;
    this.overflow = overflow;
    this.overflowPaths = overflowPaths;
    this.onClose = onClose;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    arm(
        ctx,
        overflow
            ? Math.min(OVERFLOW_REQUEST_TIMEOUT_MS, limits.headerTimeoutMs())
            : limits.headerTimeoutMs(),
        "no request head");
    if (!ctx.channel().isActive()) {
      gone();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    gone();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!upgraded) {
      gone();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (dropping) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      disarm();
      inFlight++;
      if (overflow && !overflowPaths.contains(path(request.uri()))) {
        dropping = true;
        ReferenceCountUtil.release(msg);
        refuseOverflow(ctx);
        return;
      }
      if (!(msg instanceof LastHttpContent)) {
        readingBody = true;
        bodyStartedAt = System.nanoTime();
        bodyBytes = 0;
        arm(ctx, limits.bodyTimeoutMs(), "request body too slow");
      }
    } else if (msg instanceof HttpContent content && readingBody) {
      int bytes = content.content().readableBytes();
      bodyBytes += bytes;
      if (msg instanceof LastHttpContent) {
        readingBody = false;
        releaseBody();
        settle(ctx);
      } else if (bodies != null && bytes > 0) {
        bodyCounted += bytes;
        if (!bodies.bodyBytes(peer, bytes)) {
          LOG.debug(
              "closing the HTTP connection of {}: its unfinished request bodies are over {} bytes",
              peer,
              ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS);
          dropping = true;
          ReferenceCountUtil.release(msg);
          ctx.close();
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    onWrite(ctx, msg, promise);
    ctx.write(msg, promise);
    if (upgraded) {
      handOver(ctx);
    }
  }

  /**
   * After a websocket upgrade there is nothing left to watch but the close, so the handler leaves
   * the pipeline and spares every later frame a pass through it.
   */
  private void handOver(ChannelHandlerContext ctx) {
    ctx.channel().closeFuture().addListener(closed -> gone());
    ctx.pipeline().remove(this);
  }

  private void onWrite(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      int status = response.status().code();
      if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        upgraded = true;
        disarm();
        return;
      }
      if (status < 200) {
        return; // 100 Continue: the real response is still to come
      }
      responding = true;
    }
    if (msg instanceof LastHttpContent && responding) {
      responding = false;
      inFlight = Math.max(0, inFlight - 1);
      if (overflow) {
        promise.addListener(ChannelFutureListener.CLOSE);
      } else {
        settle(ctx);
      }
    }
  }

  /**
   * After a body or a response ended: with nothing left to read or answer, the connection waits for
   * its next request (an early answer such as 413 may end before the body it refused has arrived).
   */
  private void settle(ChannelHandlerContext ctx) {
    if (readingBody) {
      return; // the body deadline stays
    }
    if (inFlight == 0) {
      arm(ctx, limits.idleTimeoutMs(), "idle");
    } else {
      disarm();
    }
  }

  private void refuseOverflow(ChannelHandlerContext ctx) {
    FullHttpResponse busy =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            Unpooled.wrappedBuffer(BUSY_BODY));
    busy.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, BUSY_BODY.length)
        .set(HttpHeaderNames.RETRY_AFTER, "1")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(busy).addListener(ChannelFutureListener.CLOSE);
  }

  private void arm(ChannelHandlerContext ctx, long delayMs, String reason) {
    disarm();
    deadline = ctx.executor().schedule(() -> expire(ctx, reason), delayMs, TimeUnit.MILLISECONDS);
  }

  private void expire(ChannelHandlerContext ctx, String reason) {
    deadline = null;
    if (upgraded || closed) {
      return;
    }
    if (readingBody) {
      long allowedMs =
          limits.bodyTimeoutMs() + bodyBytes * 1000 / ConnectionLimits.MIN_BODY_BYTES_PER_SECOND;
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - bodyStartedAt);
      if (elapsedMs < allowedMs) {
        arm(ctx, allowedMs - elapsedMs, reason);
        return;
      }
    }
    LOG.debug("closing the HTTP connection of {}: {}", peer, reason);
    ctx.close();
  }

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void releaseBody() {
    if (bodies != null && bodyCounted > 0) {
      bodies.bodyDone(peer, bodyCounted);
    }
    bodyCounted = 0;
  }

  private void gone() {
    disarm();
    releaseBody();
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }

  private static String path(String uri) {
    int end = uri.indexOf('?');
    return end < 0 ? uri : uri.substring(0, end);
  }
}
