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
  private final AtomicLong seq = new AtomicLong();

  /** What the connections counted and timed. */
  final SwarmMeter meter;

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
      eventLoops[i] = VertxNetty.eventLoop(loops[i]);
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
      bootstraps.add(bootstrap(local));
      if (spec.polling()) pollingClients.add(pollingClient(local, locals.size()));
    }
    this.guests = guests == null ? null : guests.create(vertx);
    meter = new SwarmMeter(protocol, spec.rooms());
  }

  /** The TCP connector of the websocket transport, bound to {@code local} unless it is null. */
  private Bootstrap bootstrap(String local) {
    Bootstrap b =
        new Bootstrap()
            .channelFactory(VertxNetty.channelFactory(vertx))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, spec.handshakeTimeoutMs()));
    if (local != null) b.localAddress(new InetSocketAddress(local, 0));
    return b;
  }

  /**
   * The HTTP client of the polling transport for {@code local} (null: any address), one of {@code
   * clients} sharing the users.
   */
  private HttpClient pollingClient(String local, int clients) {
    HttpClientOptions o =
        new HttpClientOptions()
            .setDefaultHost(spec.host())
            .setDefaultPort(spec.port())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.handshakeTimeoutMs()));
    if (local != null) o.setLocalAddress(local);
    return vertx.createHttpClient(
        o,
        new PoolOptions()
            .setHttp1MaxSize(2 * spec.clients() / clients + 16)
            .setMaxWaitQueueSize(-1));
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
                        Math.max(0, Math.min(left, spec.maxPending() - meter.pending())));
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
    meter.connecting();
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
                meter.onFailed(r.cause().getMessage());
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

  /**
   * Starts sending now (the time before {@code startMicros} is warm-up) and stops at {@code
   * endMicros}. Only messages with send time t in [start, end) are counted as sent and measured
   * when received. In the ladder, each ready client sends at its per-user rate (chat or companion).
   */
  void go(long startMicros, long endMicros) {
    meter.window(startMicros, endMicros);
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
              readLoop(chat);
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
          if (Time.nowMicros() >= meter.windowEnd()) {
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
            if (c == null) {
              // every sender is gone or waits for too many acks (or, companions, for a reply)
              meter.onSkipped(n - i);
              return;
            }
            send.accept(c);
          }
        });
  }

  /**
   * Each client marks what it received as read every {@link Protocol#readEveryMs()}, the clients
   * spread over that period a slice per tick.
   */
  private void readLoop(List<Conn> readers) {
    long every = protocol.readEveryMs();
    if (readers.isEmpty() || every <= 0) return;
    long ticks = Math.max(1, every / TICK_MS);
    int[] cursor = {0};
    vertx.setPeriodic(
        TICK_MS,
        id -> {
          if (Time.nowMicros() >= meter.windowEnd()) {
            vertx.cancelTimer(id);
            return;
          }
          int slice = (int) Math.max(1, (readers.size() + ticks - 1) / ticks);
          for (int i = 0; i < slice; i++) {
            Conn c = readers.get(cursor[0]++ % readers.size());
            if (c.isOpen() && c.seenId > c.readId) {
              c.readId = c.seenId;
              c.send(protocol.readPacket(c.room, c.seenId));
            }
          }
        });
  }

  private void send(Conn c) {
    long t = Time.nowMicros();
    int ackId = protocol.acked() ? c.acks().add(t) : -1;
    c.send(protocol.sendPacket(c.room, t, seq.incrementAndGet(), ackId));
    meter.onSent(c.room, t);
  }

  private void sendCompanion(Conn c) {
    long t = Time.nowMicros();
    c.aiSentAt = t;
    c.aiFirstPending = true;
    c.send(Companions.message(c.acks().add(t), spec.mix().characterId(), seq.incrementAndGet()));
    meter.onCompanionSent(t);
  }

  Stats snapshot(boolean last) {
    return meter.snapshot(last, target.get(), attempted.get());
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
