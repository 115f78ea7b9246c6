package chat.nexus.engineio;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Engine.IO session. Its state lives on one event loop (its "home", where the handshake
 * arrived); public methods may be called from any thread and hop there. Messages arrive as {@link
 * String} (text) or {@link Buffer} (binary) through {@link #messageHandler(Handler)}.
 */
public final class EngineSocket {

  private static final System.Logger LOG = System.getLogger(EngineSocket.class.getName());

  /** Close reasons, spelled as the reference server spells them. */
  public static final String TRANSPORT_CLOSE = "transport close";

  public static final String TRANSPORT_ERROR = "transport error";
  public static final String PING_TIMEOUT = "ping timeout";
  public static final String PARSE_ERROR = "parse error";
  public static final String FORCED_CLOSE = "forced close";
  public static final String SERVER_SHUTTING_DOWN = "server shutting down";

  private static final int CLOSE_POLICY_VIOLATION = 1008;

  /** Socket.IO's reason when the application closes the whole connection. */
  private static final String FORCED_SERVER_CLOSE = "forced server close";

  private static final Set<String> GRACEFUL_CLOSES =
      Set.of(FORCED_CLOSE, FORCED_SERVER_CLOSE, SERVER_SHUTTING_DOWN);

  private final String id;
  private final EngineIoServer server;
  private final EngineIoOptions options;
  private final Context context;
  private final EventLoop loop;
  private final RequestInfo request;

  /**
   * The client address whose pending slot this session holds until admitted or closed; null: none.
   */
  private final AtomicReference<String> pendingKey;

  private volatile Transport transport;
  private WebSocketTransport upgrading;
  private volatile boolean closed;
  private ScheduledFuture<?> pingTask;
  private ScheduledFuture<?> pongDeadline;
  private ScheduledFuture<?> upgradeDeadline;
  private ScheduledFuture<?> slowDeadline;
  private ScheduledFuture<?> pendingCloseDeadline;
  private Handler<Object> messageHandler = message -> {};
  private Handler<String> closeHandler = reason -> {};

  EngineSocket(
      String id,
      EngineIoServer server,
      Context context,
      RequestInfo request,
      Transport transport,
      String pendingKey) {
    this.id = id;
    this.pendingKey = new AtomicReference<>(pendingKey);
    this.server = server;
    this.options = server.options();
    this.context = context;
    this.loop = VertxInternals.eventLoop(context);
    this.request = request;
    this.transport = transport;
  }

  /** The session id ("sid"). */
  public String id() {
    return id;
  }

  /** The handshake request: headers, query, address. */
  public RequestInfo request() {
    return request;
  }

  /**
   * The event loop this session lives on (where its handshake arrived): its handlers run there. A
   * timer for the session belongs on it, its task run through {@link #execute(Runnable)}.
   */
  public EventLoop eventLoop() {
    return loop;
  }

  /** "websocket" or "polling". */
  public String transportName() {
    return transport.name();
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Whether a frame sent now would leave without queueing; volatile packets are dropped otherwise.
   */
  public boolean isWritable() {
    return !closed && upgrading == null && transport.writable();
  }

  /**
   * Called with each message: a String for text, a Buffer for binary. Runs on the home event loop.
   */
  public EngineSocket messageHandler(Handler<Object> handler) {
    this.messageHandler = handler;
    return this;
  }

  /** Called once when the session closes, with the reason. */
  public EngineSocket closeHandler(Handler<String> handler) {
    this.closeHandler = handler;
    return this;
  }

  /** The event loop that writes to this client: where a broadcast should hand it frames. */
  public EventLoop writeLoop() {
    return transport instanceof WebSocketTransport ws ? ws.eventLoop() : loop;
  }

  /** Sends frames in order. Thread-safe; a closed session drops them. */
  public void send(List<OutFrame> frames) {
    if (closed) {
      return;
    }
    Transport current = transport;
    if (current instanceof WebSocketTransport ws) {
      ws.send(frames);
    } else {
      runOnLoop(
          () -> {
            if (!closed) {
              transport.send(frames);
              checkPollingBuffer();
            }
          });
    }
  }

  /** Sends one frame; on the websocket's own event loop this writes straight away. */
  public void send(OutFrame frame) {
    if (closed) {
      return;
    }
    Transport current = transport;
    if (current instanceof WebSocketTransport ws) {
      ws.send(frame);
    } else {
      send(List.of(frame));
    }
  }

  public void sendMessage(String text) {
    send(OutFrame.message(text));
  }

  public void sendBinary(byte[] data) {
    send(OutFrame.binary(data));
  }

  /**
   * The application accepts this session (it authenticated): it no longer counts towards
   * maxPendingSessionsPerAddress. Socket.IO calls it when a namespace CONNECT succeeds; an
   * application on raw Engine.IO calls it itself. Thread-safe; later calls do nothing.
   */
  public void admit() {
    server.releasePending(pendingKey.getAndSet(null));
  }

  /** Closes the session from the server side ("forced close"). */
  public void close() {
    close(FORCED_CLOSE);
  }

  /** Closes the session from the server side with the given reason. */
  public void close(String reason) {
    runOnLoop(() -> onClose(reason, true));
  }

  // ---- called by the server, on the home loop unless noted ----

  void open() {
    OutFrame open = OutFrame.control(OutFrame.OPEN, server.openPacket(id, transport.name()));
    transport.send(List.of(open));
    double jitter = options.pingJitter() * ThreadLocalRandom.current().nextDouble();
    schedulePing((long) (options.pingIntervalMs() * (1 - jitter)));
  }

  /** A GET on the polling transport; any thread. */
  void onPollRequest(HttpServerResponse response) {
    runOnLoop(
        () -> {
          if (closed && transport instanceof PollingTransport polling && polling.closePending()) {
            polling.poll(response); // the last queued frames, then the close packet
            if (!polling.closePending()) {
              cancel(pendingCloseDeadline);
              server.remove(this);
            }
            return;
          }
          if (closed || !(transport instanceof PollingTransport polling)) {
            server.sendError(response, EngineError.BAD_REQUEST, null);
            return;
          }
          if (polling.isWaiting()) {
            server.sendError(response, EngineError.BAD_REQUEST, "overlapping GET requests");
            onClose(TRANSPORT_ERROR, true);
            return;
          }
          response.closeHandler(v -> runOnLoop(() -> polling.abandoned(response)));
          polling.poll(response);
        });
  }

  /** A POST body on the polling transport; any thread. */
  void onPollData(String body, HttpServerResponse response) {
    runOnLoop(
        () -> {
          if (closed && transport instanceof PollingTransport polling && polling.closePending()) {
            // Closing: the data is dropped, but an error would make the client report a transport
            // error
            // before it reads the last frames and the close packet.
            response.putHeader("Content-Type", "text/html").end("ok");
            return;
          }
          if (closed) {
            server.sendError(response, EngineError.BAD_REQUEST, null);
            return;
          }
          List<EngineCodec.InPacket> packets;
          try {
            packets = EngineCodec.decodePayload(body);
          } catch (EngineParseException e) {
            server.sendError(response, EngineError.BAD_REQUEST, e.getMessage());
            onClose(PARSE_ERROR, true);
            return;
          }
          response.putHeader("Content-Type", "text/html").end("ok");
          for (EngineCodec.InPacket packet : packets) {
            if (closed) {
              break;
            }
            onPacket(packet);
          }
        });
  }

  /** The polling request was refused before its body was read (too large); any thread. */
  void onPollError(String reason) {
    runOnLoop(() -> onClose(reason, true));
  }

  /**
   * A websocket that wants to take over this polling session, already upgraded and bound to this
   * session (so that no early frame such as "2probe" is missed).
   */
  void onUpgradeSocket(WebSocketTransport candidate) {
    runOnLoop(
        () -> {
          if (closed || upgrading != null || !(transport instanceof PollingTransport)) {
            candidate.close(false);
            return;
          }
          upgrading = candidate;
          upgradeDeadline =
              loop.schedule(
                  () -> cancelUpgrade(candidate),
                  options.upgradeTimeoutMs(),
                  TimeUnit.MILLISECONDS);
        });
  }

  /** A text message from a websocket of this session; the websocket's event loop. */
  void onWebSocketText(WebSocketTransport ws, String text) {
    runOnLoop(() -> handleWebSocketText(ws, text));
  }

  /** A binary message from a websocket of this session; the websocket's event loop. */
  void onWebSocketBinary(WebSocketTransport ws, Buffer data) {
    runOnLoop(
        () -> {
          if (!closed && ws == transport) {
            messageHandler.handle(data);
          }
        });
  }

  /** A websocket of this session closed or failed; the websocket's event loop. */
  void onWebSocketGone(WebSocketTransport ws, String reason) {
    runOnLoop(
        () -> {
          if (ws == upgrading) {
            cancelUpgrade(ws);
          } else if (ws == transport) {
            onClose(reason, false);
          }
        });
  }

  private void handleWebSocketText(WebSocketTransport ws, String text) {
    if (closed) {
      return;
    }
    if (ws == upgrading) {
      onProbe(ws, text);
      return;
    }
    if (ws != transport) {
      return;
    }
    EngineCodec.InPacket packet;
    try {
      packet = EngineCodec.decodeText(text);
    } catch (EngineParseException e) {
      LOG.log(Level.DEBUG, () -> "closing " + id + ": " + e.getMessage());
      onClose(PARSE_ERROR, true);
      return;
    }
    onPacket(packet);
  }

  private void onProbe(WebSocketTransport ws, String text) {
    if ("2probe".equals(text)) {
      ws.sendNow(OutFrame.control(OutFrame.PONG, "probe"));
      ((PollingTransport) transport).pause();
    } else if ("5".equals(text)) {
      PollingTransport polling = (PollingTransport) transport;
      cancel(upgradeDeadline);
      List<OutFrame> queued = polling.drain();
      polling.close(false);
      upgrading = null;
      transport = ws;
      if (!queued.isEmpty()) {
        ws.send(queued);
      }
    } else {
      cancelUpgrade(ws);
    }
  }

  private void cancelUpgrade(WebSocketTransport ws) {
    if (upgrading != ws) {
      return;
    }
    upgrading = null;
    cancel(upgradeDeadline);
    ws.close(false);
    if (transport instanceof PollingTransport polling) {
      polling.resume();
    }
  }

  private void onPacket(EngineCodec.InPacket packet) {
    switch (packet.type()) {
      case OutFrame.MESSAGE ->
          messageHandler.handle(packet.isBinary() ? packet.binary() : packet.data());
      case OutFrame.PONG -> {
        cancel(pongDeadline);
        pongDeadline = null;
        schedulePing(options.pingIntervalMs());
      }
      case OutFrame.CLOSE -> onClose(TRANSPORT_CLOSE, false);
      default -> {
        // open, ping, upgrade and noop carry nothing for an open session
      }
    }
  }

  private void schedulePing(long delayMs) {
    cancel(pingTask);
    pingTask = loop.schedule(this::ping, delayMs, TimeUnit.MILLISECONDS);
  }

  private void ping() {
    if (closed) {
      return;
    }
    Transport current = transport;
    current.send(List.of(OutFrame.control(OutFrame.PING, null)));
    cancel(pongDeadline);
    pongDeadline =
        loop.schedule(
            () -> context.runOnContext(v -> onClose(PING_TIMEOUT, true)),
            options.pingTimeoutMs(),
            TimeUnit.MILLISECONDS);
  }

  /**
   * The transport went over the buffer limit; close it if it is still over after the grace period.
   */
  void onOverLimit() {
    runOnLoop(
        () -> {
          if (closed || slowDeadline != null) {
            return;
          }
          slowDeadline =
              loop.schedule(
                  () -> {
                    slowDeadline = null;
                    Transport current = transport;
                    boolean stillOver =
                        current instanceof WebSocketTransport ws
                            ? !ws.writable()
                            : current.bufferedBytes() > options.maxBufferedBytes();
                    if (stillOver && !closed) {
                      String detail =
                          "outbound buffer over "
                              + options.maxBufferedBytes()
                              + " bytes for "
                              + options.slowClientGraceMs()
                              + " ms";
                      LOG.log(Level.INFO, () -> "closing slow client " + id + ": " + detail);
                      if (current instanceof WebSocketTransport ws) {
                        ws.closeWith(CLOSE_POLICY_VIOLATION, detail);
                      }
                      context.runOnContext(v -> onClose(TRANSPORT_ERROR, true));
                    }
                  },
                  options.slowClientGraceMs(),
                  TimeUnit.MILLISECONDS);
        });
  }

  /** Counts a polling queue towards the buffer limit. Called after each send on the home loop. */
  private void checkPollingBuffer() {
    if (transport instanceof PollingTransport polling
        && polling.bufferedBytes() > options.maxBufferedBytes()) {
      onOverLimit();
    }
  }

  private void onClose(String reason, boolean serverInitiated) {
    if (closed) {
      return;
    }
    closed = true;
    admit();
    cancel(pingTask);
    cancel(pongDeadline);
    cancel(upgradeDeadline);
    cancel(slowDeadline);
    if (upgrading != null) {
      upgrading.close(false);
      upgrading = null;
    }
    // Only a close the server chose (not a protocol failure) delivers what was queued and a close
    // packet to a polling client; after a ping timeout or a bad packet the sid is gone at once.
    if (serverInitiated
        && SERVER_SHUTTING_DOWN.equals(reason)
        && transport instanceof WebSocketTransport ws) {
      ws.abort();
    } else if (serverInitiated && GRACEFUL_CLOSES.contains(reason)) {
      transport.close(true);
    } else if (serverInitiated && transport instanceof PollingTransport polling) {
      polling.abort();
    } else {
      transport.close(false);
    }
    if (transport instanceof PollingTransport polling && polling.closePending()) {
      // The client has not got the close packet yet: the session stays reachable so that its next
      // GETs
      // get the frames sent just before the close (a DISCONNECT, say) and then the close packet,
      // instead
      // of an unknown-sid error that it would take for a transport error (and reconnect). Bounded
      // by a
      // heartbeat period.
      pendingCloseDeadline =
          loop.schedule(
              () ->
                  runOnLoop(
                      () -> {
                        polling.dropPendingClose();
                        server.remove(this);
                      }),
              options.pingIntervalMs() + options.pingTimeoutMs(),
              TimeUnit.MILLISECONDS);
    } else {
      server.remove(this);
    }
    try {
      closeHandler.handle(reason);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "close handler of " + id + " failed", e);
    }
  }

  /**
   * Runs the task on this session's event loop: now when already there, else as soon as possible.
   */
  public void execute(Runnable task) {
    runOnLoop(task);
  }

  /**
   * Runs on the home loop with this session's Vert.x context as the current one, so that handlers
   * may use context-bound Vert.x APIs (executeBlocking, timers, promises) and get their results
   * back here.
   */
  private void runOnLoop(Runnable task) {
    if (loop.inEventLoop()) {
      VertxInternals.dispatch(context, task);
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  /**
   * What the handshake request carried, kept small since every connection holds one: the headers
   * without the websocket handshake's own, and the client's IP address. The query is parsed from
   * the URI when asked for ({@code Handshake.query()}).
   */
  public record RequestInfo(String uri, MultiMap headers, String remoteAddress, boolean secure) {}
}
