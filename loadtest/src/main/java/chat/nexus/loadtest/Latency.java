package chat.nexus.loadtest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/** Latency in microseconds, recorded into one single-writer recorder per (event-loop) thread. */
final class Latency {
  static final long HIGHEST = 3_600_000_000L; // 1 h in micros
  static final int DIGITS = 3;

  private final List<SingleWriterRecorder> all = new CopyOnWriteArrayList<>();
  private final ThreadLocal<SingleWriterRecorder> mine =
      ThreadLocal.withInitial(
          () -> {
            SingleWriterRecorder r = new SingleWriterRecorder(HIGHEST, DIGITS);
            all.add(r);
            return r;
          });
  private final Histogram total = newHistogram();
  private Histogram recycle;

  static Histogram newHistogram() {
    return new Histogram(HIGHEST, DIGITS);
  }

  void record(long micros) {
    mine.get().recordValue(Math.min(HIGHEST, Math.max(0, micros)));
  }

  /** Folds everything recorded so far into the running total and returns a copy of it. */
  synchronized Histogram snapshot() {
    for (SingleWriterRecorder r : all) {
      recycle = r.getIntervalHistogram(recycle);
      total.add(recycle);
    }
    return total.copy();
  }
}
