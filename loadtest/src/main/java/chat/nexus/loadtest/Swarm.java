package chat.nexus.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * All connections of one process. Connections are spread over the event loops (one context per
 * loop); each loop paces its own share of the sends, so a socket is only ever touched by its loop.
 * Sockets are plain Netty channels on Vert.x's event loops (its transport: epoll when available),
 * each with a lean WebSocket client pipeline ({@link Conn}); Vert.x itself provides the loops and
 * timers.
 */
final class Swarm {
  private static final long TICK_MS = 10;

  final Spec spec;
  final Protocol protocol;
  final Vertx vertx;
  private final Context[] loops;
  private final EventLoop[] eventLoops;
  private final Conn.Scratch[] scratch;
  private final List<List<Conn>> connsByLoop = new ArrayList<>();

  /** One per local address (or one without), each bound to it. */
  private final List<Bootstrap> bootstraps = new ArrayList<>();

  /**
   * --transport polling: one HTTP client per local address (or one without), pooling two
   * connections per user.
   */
  private final List<HttpClient> pollingClients = new ArrayList<>();

  private final InetSocketAddress remote;
  final URI wsUri;
  final int maxFramePayload;

  /** Connections to open in all (grows stage by stage in the ladder). */
  private final AtomicInteger target;

  private final AtomicBoolean ramping = new AtomicBoolean();

  /** Signs clients in as guests when there is no JWT secret to mint tokens with; else null. */
  private final GuestSignIn guests;

  private final AtomicInteger attempted = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger aiConnected = new AtomicInteger();
  private final LongAdder failed = new LongAdder();
  private final LongAdder closed = new LongAdder();
  final LongAdder pongs = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder sentAll = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder deliveredAll = new LongAdder();
  private final LongAdder arrivals = new LongAdder();
  private final LongAdder bad = new LongAdder();
  private final LongAdder acksOk = new LongAdder();
  private final LongAdder ackErrors = new LongAdder();
  private final LongAdder acksAll = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder aiSent = new LongAdder();
  private final LongAdder aiOk = new LongAdder();
  private final LongAdder aiBusy = new LongAdder();
  private final LongAdder aiAckErrors = new LongAdder();
  private final LongAdder aiDone = new LongAdder();
  private final LongAdder aiReplyErrors = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final Tally ackCodes = new Tally();
  private final Tally connectErrors = new Tally();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLongArray members;
  private final AtomicLongArray sentByRoom;
  private final Latency latency = new Latency();
  private final Latency ackLatency = new Latency();
  private final Latency connectLatency = new Latency();
  private final Latency ttft = new Latency();
  private final Latency aiAckLatency = new Latency();
  private volatile long winStart = Long.MAX_VALUE;
  private volatile long winEnd = Long.MAX_VALUE;

  Swarm(Spec spec) {
    this(spec, null);
  }

  /**
   * {@code guests}: signs clients in (ladder without a JWT secret); null: the protocol mints
   * tokens.
   */
  Swarm(Spec spec, GuestSignIn.Factory guests) {
    this.spec = spec;
    this.target = new AtomicInteger(spec.mix() == null ? spec.clients() : 0);
    this.protocol = spec.protocol();
    this.vertx =
        Vertx.vertx(
            new VertxOptions().setEventLoopPoolSize(spec.threads()).setPreferNativeTransport(true));
    if (!vertx.isNativeTransportEnabled()) {
      System.err.println(
          "warning: native transport unavailable: " + vertx.unavailableNativeTransportCause());
    }
    loops = new Context[spec.threads()];
    eventLoops = new EventLoop[loops.length];
    scratch = new Conn.Scratch[loops.length];
    for (int i = 0; i < loops.length; i++) {
      loops[i] =
          vertx.getOrCreateContext(); // from a non-Vert.x thread: a new context, next event loop
      eventLoops[i] = ((ContextInternal) loops[i]).nettyEventLoop();
      scratch[i] = new Conn.Scratch();
      connsByLoop.add(new ArrayList<>());
    }
    remote = new InetSocketAddress(spec.host(), spec.port());
    wsUri =
        URI.create(
            "ws://"
                + (spec.host().contains(":") ? "[" + spec.host() + "]" : spec.host())
                + ":"
                + spec.port()
                + spec.uri());
    maxFramePayload = Math.max(65_536, 2 * spec.payload() + 4096);
    List<String> locals =
        spec.localAddresses().isEmpty() ? Collections.singletonList(null) : spec.localAddresses();
    for (String local : locals) {
      Bootstrap b =
          new Bootstrap()
              .channelFactory(((VertxInternal) vertx).transport().channelFactory(false))
              .option(ChannelOption.TCP_NODELAY, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.min(Integer.MAX_VALUE, spec.handshakeTimeoutMs()));
      if (local != null) b.localAddress(new InetSocketAddress(local, 0));
      bootstraps.add(b);
      if (spec.polling()) {
        HttpClientOptions o =
            new HttpClientOptions()
                .setDefaultHost(spec.host())
                .setDefaultPort(spec.port())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.handshakeTimeoutMs()));
        if (local != null) o.setLocalAddress(local);
        pollingClients.add(
            vertx.createHttpClient(
                o,
                new PoolOptions()
                    .setHttp1MaxSize(2 * spec.clients() / locals.size() + 16)
                    .setMaxWaitQueueSize(-1)));
      }
    }
    this.guests = guests == null ? null : guests.create(vertx);
    members = new AtomicLongArray(spec.rooms());
    sentByRoom = new AtomicLongArray(spec.rooms());
  }

  /**
   * Starts connecting at the configured ramp rate (never more than maxPending handshakes in
   * flight).
   */
  void start() {
    ramp();
  }

  /**
   * Raises the number of connections to open to {@code clients} (at most this worker's share) and
   * ramps up to it.
   */
  void grow(int clients) {
    target.accumulateAndGet(Math.min(clients, spec.clients()), Math::max);
    ramp();
  }

  /** {@link #grow} to this worker's share of the run's first {@code clients} clients. */
  void growTo(int clients) {
    grow(Math.max(0, (clients - spec.offset() + spec.stride() - 1) / spec.stride()));
  }

  private void ramp() {
    if (attempted.get() >= target.get() || !ramping.compareAndSet(false, true)) return;
    loops[0].runOnContext(
        v -> {
          Pacer pacer = new Pacer(spec.ramp(), System.nanoTime());
          vertx.setPeriodic(
              TICK_MS,
              id -> {
                int left = target.get() - attempted.get();
                int n =
                    pacer.take(
                        System.nanoTime(),
                        Math.max(0, Math.min(left, spec.maxPending() - pending.get())));
                for (int i = 0; i < n; i++) open(attempted.getAndIncrement());
                if (attempted.get() >= target.get()) {
                  vertx.cancelTimer(id);
                  ramping.set(false);
                  ramp(); // a grow() that came in between
                }
              });
        });
  }

  private void open(int i) {
    int global = spec.global(i);
    int k = i % loops.length;
    Mix mix = spec.mix();
    boolean ai = mix != null && mix.companion(global);
    int room =
        mix != null ? (ai ? -1 : mix.room(global)) : spec.rooms() > 0 ? global % spec.rooms() : 0;
    Conn c = new Conn(this, global, room, ai, scratch[k]);
    pending.incrementAndGet();
    if (guests == null) {
      connect(c, k);
      return;
    }
    guests
        .token(global)
        .onComplete(
            r -> {
              if (r.succeeded()) {
                c.token = r.result();
                connect(c, k);
              } else {
                onFailed(r.cause().getMessage());
              }
            });
  }

  private void connect(Conn c, int k) {
    if (spec.polling()) {
      loops[k].runOnContext(
          v -> {
            connsByLoop.get(k).add(c);
            c.startNanos = System.nanoTime();
            c.polling =
                new Polling(
                    c, pollingClients.get(c.client % pollingClients.size()), loops[k], spec.path());
            c.polling.start();
            eventLoops[k].schedule(
                c::upgradeTimeout, spec.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
          });
      return;
    }
    Bootstrap bootstrap = bootstraps.get(c.client % bootstraps.size());
    loops[k].runOnContext(
        v -> { // connect from loop k so that the socket lives there
          connsByLoop.get(k).add(c);
          c.startNanos = System.nanoTime();
          ChannelFuture f = bootstrap.clone(eventLoops[k]).handler(c).connect(remote);
          c.ch = f.channel();
          f.addListener(
              r -> {
                if (!r.isSuccess()) c.fail("ws:" + r.cause().getClass().getSimpleName());
              });
          eventLoops[k].schedule(
              c::upgradeTimeout, spec.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        });
  }

  /** The CONNECT packet of {@code c}: its guest token, or one the protocol mints. */
  String connectPacket(Conn c) {
    return c.token != null
        ? Frames.connect("{\"token\":\"" + c.token + "\"}")
        : protocol.connectPacket(c.client, c.room);
  }

  /**
   * The join of {@code c}: companion:open for a companion client, else the protocol's room join.
   */
  String joinPacket(Conn c) {
    return c.ai
        ? "42"
            + Protocol.JOIN_ACK
            + "[\"companion:open\",{\"characterId\":\""
            + spec.mix().characterId()
            + "\"}]"
        : protocol.joinPacket(c.room);
  }

  void onReady(Conn c) {
    connectLatency.record((System.nanoTime() - c.startNanos) / 1000);
    if (c.ai) aiConnected.incrementAndGet();
    else if (spec.rooms() > 0) members.incrementAndGet(c.room);
    connected.incrementAndGet();
    pending.decrementAndGet();
  }

  void onFailed(String reason) {
    failed.increment();
    connectErrors.add(reason);
    pending.decrementAndGet();
  }

  void onClosed(Conn c) {
    closed.increment();
    if (c.ai) aiConnected.decrementAndGet();
    connected.decrementAndGet();
  }

  /**
   * A {@code 42[...]} packet; only deliveries of the protocol's messages (and companion replies)
   * are measured.
   */
  void onEvent(Conn c, byte[] b, int n) {
    if (c.ai) {
      onCompanionEvent(c, b, n);
      return;
    }
    long t = protocol.deliveryT(b, n);
    if (t == Protocol.NOT_A_DELIVERY) return;
    if (t == Protocol.NO_TIMESTAMP) {
      bad.increment();
      return;
    }
    long now = Time.nowMicros();
    deliveredAll.increment();
    if (now >= winStart && now < winEnd) arrivals.increment();
    if (t >= winStart && t < winEnd) {
      delivered.increment();
      latency.record(now - t);
    }
  }

  /** A {@code 43<id>[...]} packet: the join's ack, or a send's (latency = arrival - send time). */
  void onAck(Conn c, byte[] b, int n) {
    int id = Frames.ackId(b, n);
    if (!c.ready) {
      if (id != Protocol.JOIN_ACK) bad.increment();
      else if (Frames.ackOk(b, n)) c.joined();
      else c.fail("join:" + Frames.errorCode(b, n));
      return;
    }
    long t = id < 0 ? -1 : c.acks().remove(id);
    if (t < 0) {
      bad.increment();
      return;
    }
    long now = Time.nowMicros();
    acksAll.increment();
    boolean ok = Frames.ackOk(b, n);
    if (c.ai) {
      onCompanionAck(c, t, now, ok, b, n);
      return;
    }
    if (t < winStart || t >= winEnd) return;
    if (ok) {
      acksOk.increment();
      ackLatency.record(now - t);
    } else {
      ackErrors.increment();
      String code = Frames.errorCode(b, n);
      if (code.equals(Companions.RATE_LIMITED)) rateLimited.increment();
      ackCodes.add(code);
    }
  }

  /** The ack of a companion:message sent at {@code t}: admitted (the reply follows) or refused. */
  private void onCompanionAck(Conn c, long t, long now, boolean ok, byte[] b, int n) {
    if (!ok) c.aiSentAt = 0; // no reply is coming
    if (t < winStart || t >= winEnd) return;
    aiAckLatency.record(now - t);
    if (ok) {
      aiOk.increment();
      return;
    }
    String code = Frames.errorCode(b, n);
    if (code.equals(Companions.AI_BUSY)) aiBusy.increment();
    else aiAckErrors.increment();
    if (code.equals(Companions.RATE_LIMITED)) rateLimited.increment();
    ackCodes.add(Companions.ACK_PREFIX + code);
  }

  /** companion:token (the first one times the reply), companion:done or companion:error. */
  private void onCompanionEvent(Conn c, byte[] b, int n) {
    long sentAt = c.aiSentAt;
    if (sentAt == 0) return;
    boolean measured = sentAt >= winStart && sentAt < winEnd;
    switch (Companions.event(b, n)) {
      case TOKEN -> {
        if (c.aiFirstPending) {
          c.aiFirstPending = false;
          if (measured) ttft.record(Time.nowMicros() - sentAt);
        }
      }
      case DONE -> {
        c.aiSentAt = 0;
        if (measured) aiDone.increment();
      }
      case ERROR -> {
        c.aiSentAt = 0;
        if (measured) {
          aiReplyErrors.increment();
          ackCodes.add(Companions.REPLY_PREFIX + Frames.errorCode(b, n));
        }
      }
      case OTHER -> {}
    }
  }

  /**
   * Starts sending now (the time before {@code startMicros} is warm-up) and stops at {@code
   * endMicros}. Only messages with send time t in [start, end) are counted as sent and measured
   * when received. In the ladder, each ready client sends at its per-user rate (chat or companion).
   */
  void go(long startMicros, long endMicros) {
    winStart = startMicros;
    winEnd = endMicros;
    Mix mix = spec.mix();
    if (mix == null && (spec.rate() <= 0 || spec.rooms() <= 0)) return;
    for (int k = 0; k < loops.length; k++) {
      int loop = k;
      loops[k].runOnContext(
          v -> {
            List<Conn> chat = new ArrayList<>();
            List<Conn> ai = new ArrayList<>();
            for (Conn c : connsByLoop.get(loop)) if (c.isOpen()) (c.ai ? ai : chat).add(c);
            if (mix == null) {
              sendLoop(chat, spec.rate() / loops.length, this::send);
            } else {
              sendLoop(chat, chat.size() * mix.chatPerUser(), this::send);
              sendLoop(ai, ai.size() * mix.aiPerUser(), this::sendCompanion);
            }
          });
    }
  }

  private void sendLoop(List<Conn> senders, double rate, java.util.function.Consumer<Conn> send) {
    if (senders.isEmpty() || rate <= 0) return;
    Collections.shuffle(senders, ThreadLocalRandom.current());
    Pacer pacer = new Pacer(rate, System.nanoTime());
    int[] cursor = {0};
    vertx.setPeriodic(
        TICK_MS,
        id -> {
          if (Time.nowMicros() >= winEnd) {
            vertx.cancelTimer(id);
            return;
          }
          int n = pacer.take(System.nanoTime(), Integer.MAX_VALUE);
          for (int i = 0; i < n; i++) {
            Conn c = null;
            for (int tries = 0; tries < senders.size() && c == null; tries++) {
              Conn cand = senders.get(cursor[0]++ % senders.size());
              if (cand.canSend()) c = cand;
            }
            if (c
                == null) { // every sender is gone or waits for too many acks (or, companions, for a
              // reply)
              skipped.add(n - i);
              return;
            }
            send.accept(c);
          }
        });
  }

  private void send(Conn c) {
    long t = Time.nowMicros();
    int ackId = protocol.acked() ? c.acks().add(t) : -1;
    c.send(protocol.sendPacket(c.room, t, seq.incrementAndGet(), ackId));
    sentAll.increment();
    if (t >= winStart && t < winEnd) {
      sent.increment();
      sentByRoom.incrementAndGet(c.room);
    }
  }

  private void sendCompanion(Conn c) {
    long t = Time.nowMicros();
    c.aiSentAt = t;
    c.aiFirstPending = true;
    c.send(Companions.message(c.acks().add(t), spec.mix().characterId(), seq.incrementAndGet()));
    sentAll.increment();
    if (t >= winStart && t < winEnd) aiSent.increment();
  }

  synchronized Stats snapshot(boolean last) {
    int rooms = spec.rooms();
    Stats s = new Stats(rooms);
    s.last = last;
    s.target = target.get();
    s.attempted = attempted.get();
    s.ready = s.attempted >= target.get() && pending.get() == 0;
    s.connected = connected.get();
    s.aiConnected = aiConnected.get();
    s.aiSent = aiSent.sum();
    s.aiOk = aiOk.sum();
    s.aiBusy = aiBusy.sum();
    s.aiAckErrors = aiAckErrors.sum();
    s.aiDone = aiDone.sum();
    s.aiReplyErrors = aiReplyErrors.sum();
    s.rateLimited = rateLimited.sum();
    s.failed = failed.sum();
    s.closed = closed.sum();
    s.pongs = pongs.sum();
    s.sent = sent.sum();
    s.sentAll = sentAll.sum();
    s.delivered = delivered.sum();
    s.deliveredAll = deliveredAll.sum();
    s.arrivals = arrivals.sum();
    s.bad = bad.sum();
    s.acksOk = acksOk.sum();
    s.ackErrors = ackErrors.sum();
    s.acksAll = acksAll.sum();
    s.skipped = skipped.sum();
    s.ackCodes = ackCodes.snapshot();
    s.connectErrors = connectErrors.snapshot();
    for (int r = 0; r < rooms; r++) {
      s.members[r] = members.get(r);
      s.sentByRoom[r] = sentByRoom.get(r);
    }
    s.hist = latency.snapshot();
    s.ackHist = ackLatency.snapshot();
    s.connectHist = connectLatency.snapshot();
    s.ttftHist = ttft.snapshot();
    s.aiAckHist = aiAckLatency.snapshot();
    return s;
  }

  void close() {
    if (guests != null) guests.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("warning: vertx close: " + e);
    }
  }
}
