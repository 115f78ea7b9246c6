package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.HdrHistogram.Histogram;

/**
 * Cumulative counters of one worker, or of several merged. "Window" means the measured interval:
 * {@code sent}/{@code delivered} count messages whose send time t lies in it (delivered may arrive
 * later, during the drain); {@code arrivals} counts deliveries that arrived inside it.
 */
final class Stats {
  boolean ready = true; // all connection attempts resolved
  boolean last;         // final report of a worker
  int workers = 1;
  long attempted, connected, failed, closed;
  long sent, sentAll, delivered, deliveredAll, arrivals, pongs, bad;
  long[] sentByRoom, members;
  Histogram hist;

  Stats(int rooms) {
    sentByRoom = new long[rooms];
    members = new long[rooms];
    hist = Latency.newHistogram();
  }

  /** Expected deliveries of the measured messages: each goes to every member of its room, sender included. */
  long expected() {
    long e = 0;
    for (int r = 0; r < sentByRoom.length; r++) e += sentByRoom[r] * members[r];
    return e;
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
      for (int r = 0; r < rooms && r < s.sentByRoom.length; r++) {
        m.sentByRoom[r] += s.sentByRoom[r];
        m.members[r] += s.members[r];
      }
      m.hist.add(s.hist);
    }
    return m;
  }

  JsonObject toJson() {
    ByteBuffer buf = ByteBuffer.allocate(hist.getNeededByteBufferCapacity());
    int len = hist.encodeIntoCompressedByteBuffer(buf);
    return new JsonObject()
        .put("ready", ready).put("last", last).put("workers", workers)
        .put("attempted", attempted).put("connected", connected).put("failed", failed)
        .put("closed", closed)
        .put("sent", sent).put("sentAll", sentAll).put("delivered", delivered)
        .put("deliveredAll", deliveredAll).put("arrivals", arrivals).put("pongs", pongs).put("bad", bad)
        .put("sentByRoom", toArray(sentByRoom)).put("members", toArray(members))
        .put("hist", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len)));
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
    JsonArray mem = j.getJsonArray("members");
    for (int r = 0; r < s.sentByRoom.length; r++) {
      s.sentByRoom[r] = sbr.getLong(r);
      s.members[r] = mem.getLong(r);
    }
    try {
      byte[] h = Base64.getDecoder().decode(j.getString("hist"));
      s.hist = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(h), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("bad histogram", e);
    }
    return s;
  }

  private static JsonArray toArray(long[] a) {
    JsonArray arr = new JsonArray();
    for (long v : a) arr.add(v);
    return arr;
  }
}
