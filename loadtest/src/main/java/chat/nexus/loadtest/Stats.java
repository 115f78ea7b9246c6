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
 * later, during the drain); {@code arrivals} counts deliveries that arrived inside it. Acks likewise:
 * {@code acksOk}/{@code ackErrors}/{@code ackCodes}/{@code ackHist} are about messages sent in the
 * window, {@code acksAll} counts every ack (for the progress line).
 */
final class Stats {
  boolean ready = true; // all connection attempts resolved
  boolean last;         // final report of a worker
  int workers = 1;
  long attempted, connected, failed, closed;
  long sent, sentAll, delivered, deliveredAll, arrivals, pongs, bad;
  long acksOk, ackErrors, acksAll, skipped;
  long[] sentByRoom, members;
  Map<String, Long> ackCodes = new TreeMap<>();
  Map<String, Long> connectErrors = new TreeMap<>();
  Histogram hist;    // delivery latency, µs
  Histogram ackHist; // ack latency of successful sends, µs

  Stats(int rooms) {
    sentByRoom = new long[rooms];
    members = new long[rooms];
    hist = Latency.newHistogram();
    ackHist = Latency.newHistogram();
  }

  /**
   * Expected deliveries of the measured messages: each goes to every ready member of its room, the
   * sender too when {@code senderReceives}.
   */
  long expected(boolean senderReceives) {
    long e = 0;
    for (int r = 0; r < sentByRoom.length; r++) e += sentByRoom[r] * Math.max(0, members[r] - (senderReceives ? 0 : 1));
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
      for (int r = 0; r < rooms && r < s.sentByRoom.length; r++) {
        m.sentByRoom[r] += s.sentByRoom[r];
        m.members[r] += s.members[r];
      }
      Tally.addAll(m.ackCodes, s.ackCodes);
      Tally.addAll(m.connectErrors, s.connectErrors);
      m.hist.add(s.hist);
      m.ackHist.add(s.ackHist);
    }
    return m;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("ready", ready).put("last", last).put("workers", workers)
        .put("attempted", attempted).put("connected", connected).put("failed", failed)
        .put("closed", closed)
        .put("sent", sent).put("sentAll", sentAll).put("delivered", delivered)
        .put("deliveredAll", deliveredAll).put("arrivals", arrivals).put("pongs", pongs).put("bad", bad)
        .put("acksOk", acksOk).put("ackErrors", ackErrors).put("acksAll", acksAll).put("skipped", skipped)
        .put("sentByRoom", toArray(sentByRoom)).put("members", toArray(members))
        .put("ackCodes", Tally.toJson(ackCodes)).put("connectErrors", Tally.toJson(connectErrors))
        .put("hist", encode(hist)).put("ackHist", encode(ackHist));
  }

  static Stats fromJson(JsonObject j) {
    JsonArray sbr = j.getJsonArray("sentByRoom");
    Stats s = new Stats(sbr.size());
    s.ready = j.getBoolean("ready");
    s.last = j.getBoolean("last");
    s.workers = j.getInteger("workers");
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
    JsonArray mem = j.getJsonArray("members");
    for (int r = 0; r < s.sentByRoom.length; r++) {
      s.sentByRoom[r] = sbr.getLong(r);
      s.members[r] = mem.getLong(r);
    }
    s.ackCodes = Tally.fromJson(j.getJsonObject("ackCodes"));
    s.connectErrors = Tally.fromJson(j.getJsonObject("connectErrors"));
    s.hist = decode(j.getString("hist"));
    s.ackHist = decode(j.getString("ackHist"));
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
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
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
