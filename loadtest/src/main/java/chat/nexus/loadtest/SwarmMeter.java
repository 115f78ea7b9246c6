package chat.nexus.loadtest;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the connections of one {@link Swarm} counted and timed: connection outcomes, sends,
 * deliveries, acks and companion replies. Only messages sent inside the measured window ({@link
 * #window}) are measured; the counters called "all" include the warm-up. Called from every event
 * loop at once: counters are adders, latencies go to {@link Latency} recorders.
 */
final class SwarmMeter {
  private final Protocol protocol;
  private final int rooms;

  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger aiConnected = new AtomicInteger();
  private final LongAdder failed = new LongAdder();
  private final LongAdder closed = new LongAdder();
  private final LongAdder pongs = new LongAdder();
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
  private final LongAdder companionReplies = new LongAdder();
  private final LongAdder companionReplyBytes = new LongAdder();
  private final LongAdder companionTokenBytes = new LongAdder();
  private final LongAdder companionRefused = new LongAdder();
  private final LongAdder companionBroken = new LongAdder();
  private final Tally ackCodes = new Tally();
  private final Tally connectErrors = new Tally();
  private final AtomicLongArray members;
  private final AtomicLongArray sentByRoom;
  private final Latency latency = new Latency();
  private final Latency ackLatency = new Latency();
  private final Latency connectLatency = new Latency();
  private final Latency ttft = new Latency();
  private final Latency aiAckLatency = new Latency();
  private volatile long winStart = Long.MAX_VALUE;
  private volatile long winEnd = Long.MAX_VALUE;

  SwarmMeter(Protocol protocol, int rooms) {
    this.protocol = protocol;
    this.rooms = rooms;
    members = new AtomicLongArray(rooms);
    sentByRoom = new AtomicLongArray(rooms);
  }

  /** The measured window, epoch µs: messages sent at t in [start, end) are measured. */
  void window(long startMicros, long endMicros) {
    winStart = startMicros;
    winEnd = endMicros;
  }

  long windowEnd() {
    return winEnd;
  }

  private boolean inWindow(long t) {
    return t >= winStart && t < winEnd;
  }

  /** Handshakes under way (a connection started and neither ready nor failed yet). */
  int pending() {
    return pending.get();
  }

  void connecting() {
    pending.incrementAndGet();
  }

  void onReady(Conn c) {
    connectLatency.record((System.nanoTime() - c.startNanos) / 1000);
    if (c.ai) aiConnected.incrementAndGet();
    else if (rooms > 0) members.incrementAndGet(c.room);
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

  void onPong() {
    pongs.increment();
  }

  /** A chat message sent to {@code room} at {@code t} (epoch µs). */
  void onSent(int room, long t) {
    sentAll.increment();
    if (inWindow(t)) {
      sent.increment();
      sentByRoom.incrementAndGet(room);
    }
  }

  /** A companion:message sent at {@code t} (epoch µs). */
  void onCompanionSent(long t) {
    sentAll.increment();
    if (inWindow(t)) aiSent.increment();
  }

  /** Sends that could not go out: every sender was gone or busy. */
  void onSkipped(int n) {
    skipped.add(n);
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
    if (protocol.countsCompanions() && onCompanionInRoom(c, b, n)) return;
    long t = protocol.deliveryT(b, n);
    if (t == Protocol.NOT_A_DELIVERY) return;
    if (t == Protocol.NO_TIMESTAMP) {
      bad.increment();
      return;
    }
    if (protocol.readEveryMs() > 0) {
      c.seenId = Math.max(c.seenId, protocol.deliveredId(b, n));
    }
    long now = Time.nowMicros();
    deliveredAll.increment();
    if (now >= winStart && now < winEnd) arrivals.increment();
    if (inWindow(t)) {
      delivered.increment();
      latency.record(now - t);
    }
  }

  /**
   * A room companion's event, counted over the whole run: the bytes of every token and reply each
   * client got, each reply and broken reply once (at the room's first member, client k = room),
   * each refusal (it goes to the asker only) by code. False for other events.
   */
  private boolean onCompanionInRoom(Conn c, byte[] b, int n) {
    boolean first = c.client == c.room;
    switch (RoomCompanionFrames.kind(b, n)) {
      case TOKEN -> companionTokenBytes.add(RoomCompanionFrames.deltaBytes(b, n));
      case REPLY -> {
        companionReplyBytes.add(RoomCompanionFrames.textBytes(b, n));
        if (first) companionReplies.increment();
      }
      case REFUSED -> {
        companionRefused.increment();
        ackCodes.add(RoomCompanionFrames.REFUSED_PREFIX + Frames.errorCode(b, n));
      }
      case BROKEN -> {
        if (first) companionBroken.increment();
      }
      case OTHER_COMPANION -> {}
      case NOT_COMPANION -> {
        return false;
      }
    }
    return true;
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
    if (!inWindow(t)) return;
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
    if (!inWindow(t)) return;
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
    boolean measured = inWindow(sentAt);
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
   * Everything counted so far; {@code target} and {@code attempted} are the swarm's connections to
   * open and opened.
   */
  synchronized Stats snapshot(boolean last, int target, int attempted) {
    Stats s = new Stats(rooms);
    s.last = last;
    s.target = target;
    s.attempted = attempted;
    s.ready = attempted >= target && pending.get() == 0;
    s.connected = connected.get();
    s.aiConnected = aiConnected.get();
    s.aiSent = aiSent.sum();
    s.aiOk = aiOk.sum();
    s.aiBusy = aiBusy.sum();
    s.aiAckErrors = aiAckErrors.sum();
    s.aiDone = aiDone.sum();
    s.aiReplyErrors = aiReplyErrors.sum();
    s.rateLimited = rateLimited.sum();
    s.companionMentions = protocol.companionMentions();
    s.companionReplies = companionReplies.sum();
    s.companionReplyBytes = companionReplyBytes.sum();
    s.companionTokenBytes = companionTokenBytes.sum();
    s.companionRefused = companionRefused.sum();
    s.companionBroken = companionBroken.sum();
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
}
