package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Cumulative counters of one worker, or of several merged. "Window" means the measured interval:
 * {@code sent}/{@code delivered} count messages whose send time t lies in it (delivered may arrive
 * later, during the drain); {@code arrivals} counts deliveries that arrived inside it. Acks
 * likewise: {@code acksOk}/{@code ackErrors}/{@code ackCodes}/{@code ackHist} are about messages
 * sent in the window, {@code acksAll} counts every ack (for the progress line).
 */
final class Stats {
  boolean ready = true; // all connection attempts resolved
  boolean last; // final report of a worker
  int workers = 1;
  long target, attempted, connected, failed, closed;
  long sent, sentAll, delivered, deliveredAll, arrivals, pongs, bad;
  long acksOk, ackErrors, acksAll, skipped;

  /**
   * Companion clients (ladder): ready ones; messages sent in the window, their acks by outcome,
   * replies.
   */
  long aiConnected, aiSent, aiOk, aiBusy, aiAckErrors, aiDone, aiReplyErrors;

  /** Acks (chat or companion) refused with RATE_LIMITED, messages sent in the window. */
  long rateLimited;

  /**
   * A room companion (chat with --companion-mentions), over the whole run: messages that called it,
   * its replies and broken replies (once each), refusals, and the bytes of the tokens and of the
   * replies every client received (equal when each reply's tokens reach each member once).
   */
  long companionMentions, companionReplies, companionBroken, companionRefused;

  long companionTokenBytes, companionReplyBytes;
  long[] sentByRoom, members;
  Map<String, Long> ackCodes = new TreeMap<>();
  Map<String, Long> connectErrors = new TreeMap<>();
  Histogram hist; // delivery latency, µs
  Histogram ackHist; // ack latency of successful sends, µs
  Histogram connectHist; // TCP connect to ready (connected and joined), µs
  Histogram ttftHist; // companion:message sent to its first companion:token, µs
  Histogram aiAckHist; // companion:message sent to its ack (any outcome), µs

  Stats(int rooms) {
    sentByRoom = new long[rooms];
    members = new long[rooms];
    hist = Latency.newHistogram();
    ackHist = Latency.newHistogram();
    connectHist = Latency.newHistogram();
    ttftHist = Latency.newHistogram();
    aiAckHist = Latency.newHistogram();
  }

  /**
   * Expected deliveries of the measured messages: each goes to every ready member of its room, the
   * sender too when {@code senderReceives}.
   */
  long expected(boolean senderReceives) {
    long e = 0;
    for (int r = 0; r < sentByRoom.length; r++)
      e += sentByRoom[r] * Math.max(0, members[r] - (senderReceives ? 0 : 1));
    return e;
  }

  /** Measured messages that got no ack by the end of the drain. */
  long acksMissing() {
    return Math.max(0, sent - acksOk - ackErrors);
  }

  static Stats merge(Iterable<Stats> parts, int rooms) {
    Stats m = new Stats(rooms);
    m.workers = 0;
    m.last = true;
    for (Stats s : parts) {
      m.workers += s.workers;
      m.ready &= s.ready;
      m.last &= s.last;
      m.target += s.target;
      m.attempted += s.attempted;
      m.connected += s.connected;
      m.failed += s.failed;
      m.closed += s.closed;
      m.sent += s.sent;
      m.sentAll += s.sentAll;
      m.delivered += s.delivered;
      m.deliveredAll += s.deliveredAll;
      m.arrivals += s.arrivals;
      m.pongs += s.pongs;
      m.bad += s.bad;
      m.acksOk += s.acksOk;
      m.ackErrors += s.ackErrors;
      m.acksAll += s.acksAll;
      m.skipped += s.skipped;
      m.aiConnected += s.aiConnected;
      m.aiSent += s.aiSent;
      m.aiOk += s.aiOk;
      m.aiBusy += s.aiBusy;
      m.aiAckErrors += s.aiAckErrors;
      m.aiDone += s.aiDone;
      m.aiReplyErrors += s.aiReplyErrors;
      m.rateLimited += s.rateLimited;
      m.companionMentions += s.companionMentions;
      m.companionReplies += s.companionReplies;
      m.companionBroken += s.companionBroken;
      m.companionRefused += s.companionRefused;
      m.companionTokenBytes += s.companionTokenBytes;
      m.companionReplyBytes += s.companionReplyBytes;
      for (int r = 0; r < rooms && r < s.sentByRoom.length; r++) {
        m.sentByRoom[r] += s.sentByRoom[r];
        m.members[r] += s.members[r];
      }
      Tally.addAll(m.ackCodes, s.ackCodes);
      Tally.addAll(m.connectErrors, s.connectErrors);
      m.hist.add(s.hist);
      m.ackHist.add(s.ackHist);
      m.connectHist.add(s.connectHist);
      m.ttftHist.add(s.ttftHist);
      m.aiAckHist.add(s.aiAckHist);
    }
    return m;
  }

  /**
   * What happened between {@code before} and this (both cumulative, of the same workers): counters
   * and histograms subtracted, sends per room too; gauges (connected, members) as they are now.
   */
  Stats minus(Stats before) {
    Stats d = new Stats(sentByRoom.length);
    d.workers = workers;
    d.ready = ready;
    d.last = last;
    d.target = target;
    d.attempted = attempted - before.attempted;
    d.connected = connected;
    d.aiConnected = aiConnected;
    d.failed = failed - before.failed;
    d.closed = closed - before.closed;
    d.sent = sent - before.sent;
    d.sentAll = sentAll - before.sentAll;
    d.delivered = delivered - before.delivered;
    d.deliveredAll = deliveredAll - before.deliveredAll;
    d.arrivals = arrivals - before.arrivals;
    d.pongs = pongs - before.pongs;
    d.bad = bad - before.bad;
    d.acksOk = acksOk - before.acksOk;
    d.ackErrors = ackErrors - before.ackErrors;
    d.acksAll = acksAll - before.acksAll;
    d.skipped = skipped - before.skipped;
    d.aiSent = aiSent - before.aiSent;
    d.aiOk = aiOk - before.aiOk;
    d.aiBusy = aiBusy - before.aiBusy;
    d.aiAckErrors = aiAckErrors - before.aiAckErrors;
    d.aiDone = aiDone - before.aiDone;
    d.aiReplyErrors = aiReplyErrors - before.aiReplyErrors;
    d.rateLimited = rateLimited - before.rateLimited;
    d.companionMentions = companionMentions - before.companionMentions;
    d.companionReplies = companionReplies - before.companionReplies;
    d.companionBroken = companionBroken - before.companionBroken;
    d.companionRefused = companionRefused - before.companionRefused;
    d.companionTokenBytes = companionTokenBytes - before.companionTokenBytes;
    d.companionReplyBytes = companionReplyBytes - before.companionReplyBytes;
    for (int r = 0; r < sentByRoom.length; r++) {
      d.sentByRoom[r] = sentByRoom[r] - (r < before.sentByRoom.length ? before.sentByRoom[r] : 0);
      d.members[r] = members[r];
    }
    d.ackCodes = Tally.minus(ackCodes, before.ackCodes);
    d.connectErrors = Tally.minus(connectErrors, before.connectErrors);
    d.hist = Stats.minus(hist, before.hist);
    d.ackHist = Stats.minus(ackHist, before.ackHist);
    d.connectHist = Stats.minus(connectHist, before.connectHist);
    d.ttftHist = Stats.minus(ttftHist, before.ttftHist);
    d.aiAckHist = Stats.minus(aiAckHist, before.aiAckHist);
    return d;
  }

  /** Companion messages sent in the window whose ack never came. */
  long aiAcksMissing() {
    return Math.max(0, aiSent - aiOk - aiBusy - aiAckErrors);
  }

  private static Histogram minus(Histogram now, Histogram before) {
    Histogram h = now.copy();
    if (before.getTotalCount() > 0 && before.getTotalCount() <= h.getTotalCount())
      h.subtract(before);
    return h;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("ready", ready)
        .put("last", last)
        .put("workers", workers)
        .put("target", target)
        .put("attempted", attempted)
        .put("connected", connected)
        .put("failed", failed)
        .put("closed", closed)
        .put("sent", sent)
        .put("sentAll", sentAll)
        .put("delivered", delivered)
        .put("deliveredAll", deliveredAll)
        .put("arrivals", arrivals)
        .put("pongs", pongs)
        .put("bad", bad)
        .put("acksOk", acksOk)
        .put("ackErrors", ackErrors)
        .put("acksAll", acksAll)
        .put("skipped", skipped)
        .put("aiConnected", aiConnected)
        .put("aiSent", aiSent)
        .put("aiOk", aiOk)
        .put("aiBusy", aiBusy)
        .put("aiAckErrors", aiAckErrors)
        .put("aiDone", aiDone)
        .put("aiReplyErrors", aiReplyErrors)
        .put("rateLimited", rateLimited)
        .put("companionMentions", companionMentions)
        .put("companionReplies", companionReplies)
        .put("companionBroken", companionBroken)
        .put("companionRefused", companionRefused)
        .put("companionTokenBytes", companionTokenBytes)
        .put("companionReplyBytes", companionReplyBytes)
        .put("sentByRoom", toArray(sentByRoom))
        .put("members", toArray(members))
        .put("ackCodes", Tally.toJson(ackCodes))
        .put("connectErrors", Tally.toJson(connectErrors))
        .put("hist", encode(hist))
        .put("ackHist", encode(ackHist))
        .put("connectHist", encode(connectHist))
        .put("ttftHist", encode(ttftHist))
        .put("aiAckHist", encode(aiAckHist));
  }

  static Stats fromJson(JsonObject j) {
    JsonArray sbr = j.getJsonArray("sentByRoom");
    Stats s = new Stats(sbr.size());
    s.ready = j.getBoolean("ready");
    s.last = j.getBoolean("last");
    s.workers = j.getInteger("workers");
    s.target = j.getLong("target", 0L);
    s.attempted = j.getLong("attempted");
    s.connected = j.getLong("connected");
    s.failed = j.getLong("failed");
    s.closed = j.getLong("closed");
    s.sent = j.getLong("sent");
    s.sentAll = j.getLong("sentAll");
    s.delivered = j.getLong("delivered");
    s.deliveredAll = j.getLong("deliveredAll");
    s.arrivals = j.getLong("arrivals");
    s.pongs = j.getLong("pongs");
    s.bad = j.getLong("bad");
    s.acksOk = j.getLong("acksOk");
    s.ackErrors = j.getLong("ackErrors");
    s.acksAll = j.getLong("acksAll");
    s.skipped = j.getLong("skipped");
    s.aiConnected = j.getLong("aiConnected", 0L);
    s.aiSent = j.getLong("aiSent", 0L);
    s.aiOk = j.getLong("aiOk", 0L);
    s.aiBusy = j.getLong("aiBusy", 0L);
    s.aiAckErrors = j.getLong("aiAckErrors", 0L);
    s.aiDone = j.getLong("aiDone", 0L);
    s.aiReplyErrors = j.getLong("aiReplyErrors", 0L);
    s.rateLimited = j.getLong("rateLimited", 0L);
    s.companionMentions = j.getLong("companionMentions", 0L);
    s.companionReplies = j.getLong("companionReplies", 0L);
    s.companionBroken = j.getLong("companionBroken", 0L);
    s.companionRefused = j.getLong("companionRefused", 0L);
    s.companionTokenBytes = j.getLong("companionTokenBytes", 0L);
    s.companionReplyBytes = j.getLong("companionReplyBytes", 0L);
    JsonArray mem = j.getJsonArray("members");
    for (int r = 0; r < s.sentByRoom.length; r++) {
      s.sentByRoom[r] = sbr.getLong(r);
      s.members[r] = mem.getLong(r);
    }
    s.ackCodes = Tally.fromJson(j.getJsonObject("ackCodes"));
    s.connectErrors = Tally.fromJson(j.getJsonObject("connectErrors"));
    s.hist = decode(j.getString("hist"));
    s.ackHist = decode(j.getString("ackHist"));
    s.connectHist = decode(j.getString("connectHist"));
    s.ttftHist = decode(j.getString("ttftHist"));
    s.aiAckHist = decode(j.getString("aiAckHist"));
    return s;
  }

  /** Base64 of the compressed HdrHistogram encoding. */
  private static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int len = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), len));
  }

  private static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("bad histogram", e);
    }
  }

  private static JsonArray toArray(long[] a) {
    JsonArray arr = new JsonArray();
    for (long v : a) arr.add(v);
    return arr;
  }
}
