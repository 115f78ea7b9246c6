package chat.nexus.engineio;

import chat.nexus.engineio.Transport.Ending;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.lang.System.Logger.Level;
import java.util.List;
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
  private Upgrade upgrade;
  private volatile boolean closed;
  private ScheduledFuture<?> pingTask;
  private ScheduledFuture<?> pongDeadline;
  private ScheduledFuture<?> slowDeadline;
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
    return !closed && upgrade == null && transport.writable();
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
    return transport.writeLoop();
  }

  /** Sends frames in order. Thread-safe; a closed session drops them. */
  public void send(List<OutFrame> frames) {
    if (!closed) {
      transport.send(frames);
    }
  }

  /** Sends one frame; on the websocket's own event loop this writes straight away. */
  public void send(OutFrame frame) {
    if (!closed) {
      transport.send(frame);
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

  void open() {
    OutFrame open = OutFrame.control(OutFrame.OPEN, server.openPacket(id, transport.name()));
    transport.send(List.of(open));
    double jitter = options.pingJitter() * ThreadLocalRandom.current().nextDouble();
    schedulePing((long) (options.pingIntervalMs() * (1 - jitter)));
  }

  /**
   * A websocket that wants to take over this polling session, already upgraded and bound to this
   * session (so that no early frame such as "2probe" is missed).
   */
  void onUpgradeSocket(WebSocketTransport candidate) {
    runOnLoop(
        () -> {
          if (closed || upgrade != null || !transport.upgradable()) {
            candidate.closeNormally();
          } else {
            upgrade = new Upgrade(this, candidate, options.upgradeTimeoutMs());
          }
        });
  }

  Transport transport() {
    return transport;
  }

  /** The upgrade completed: the websocket carries the session from now on. Home loop. */
  void switchTo(WebSocketTransport ws) {
    List<OutFrame> queued = transport.handOver();
    transport = ws;
    if (!queued.isEmpty()) {
      ws.send(queued);
    }
  }

  /** Ends {@code finished} if it is this session's upgrade (false otherwise). Home loop. */
  boolean endUpgrade(Upgrade finished) {
    if (upgrade != finished) {
      return false;
    }
    upgrade = null;
    return true;
  }

  /** A text message from a websocket of this session; the websocket's event loop. */
  void onWebSocketText(WebSocketTransport ws, String text) {
    runOnLoop(
        () -> {
          if (closed) {
            return;
          }
          if (upgrade != null && upgrade.carriedBy(ws)) {
            upgrade.onText(text);
          } else if (ws == transport) {
            receiveText(text);
          }
        });
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
          if (upgrade != null && upgrade.carriedBy(ws)) {
            upgrade.abandon();
          } else if (ws == transport) {
            onClose(reason, false);
          }
        });
  }

  private void receiveText(String text) {
    EngineCodec.InPacket packet;
    try {
      packet = EngineCodec.decodeText(text);
    } catch (EngineParseException e) {
      LOG.log(Level.DEBUG, () -> "closing " + id + ": " + e.getMessage());
      onClose(PARSE_ERROR, true);
      return;
    }
    receive(packet);
  }

  /** An Engine.IO packet from the client. Home loop. */
  void receive(EngineCodec.InPacket packet) {
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
    transport.send(List.of(OutFrame.control(OutFrame.PING, null)));
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
          if (!closed && slowDeadline == null) {
            slowDeadline =
                loop.schedule(
                    this::closeIfStillOver, options.slowClientGraceMs(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private void closeIfStillOver() {
    slowDeadline = null;
    if (closed || !transport.overLimit()) {
      return;
    }
    String detail =
        String.format(
            "outbound buffer over %d bytes for %d ms",
            options.maxBufferedBytes(), options.slowClientGraceMs());
    LOG.log(Level.INFO, () -> "closing slow client " + id + ": " + detail);
    runOnLoop(() -> onClose(TRANSPORT_ERROR, Ending.OVER_LIMIT, detail));
  }

  /**
   * Frames a transport could not take because it was replaced meanwhile (an upgrade completed): its
   * successor sends them. Home loop.
   */
  void resend(Transport from, List<OutFrame> frames) {
    if (!closed && transport != from) {
      transport.send(frames);
    }
  }

  private void onClose(String reason, boolean serverInitiated) {
    onClose(reason, Ending.of(reason, serverInitiated), null);
  }

  private void onClose(String reason, Ending ending, String detail) {
    if (closed) {
      return;
    }
    closed = true;
    admit();
    cancel(pingTask);
    cancel(pongDeadline);
    cancel(slowDeadline);
    if (upgrade != null) {
      upgrade.cancel();
      upgrade = null;
    }
    transport.close(ending, detail);
    if (!transport.closePending()) {
      forget();
    }
    try {
      closeHandler.handle(reason);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "close handler of " + id + " failed", e);
    }
  }

  /**
   * The client has had the close, or will not come for it: the server forgets this session's id.
   */
  void forget() {
    server.remove(this);
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
