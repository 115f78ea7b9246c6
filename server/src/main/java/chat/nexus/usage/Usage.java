package chat.nexus.usage;

import chat.nexus.llm.ChatMessage;
import chat.nexus.llm.LlmCall;
import chat.nexus.llm.LlmReply;
import chat.nexus.llm.LlmRequest;
import chat.nexus.llm.TokenEstimate;
import chat.nexus.store.Blocking;
import chat.nexus.usage.UsageStore.Counts;
import chat.nexus.usage.UsageStore.Delta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the LLM tokens each user spends, per character and UTC day: any code that calls the LLM
 * for a user says so with {@link #record} (or {@link #track} for a call, which takes the upstream's
 * usage or estimates it as the prompt builder does). Counts are added up in memory and written
 * behind, every {@link #FLUSH_INTERVAL_MS}, on the database workers, never on an event loop; a
 * failed write keeps them for the next one, and {@link #close()} writes what is left (the server
 * calls it on SIGTERM). Until written, they still count for this node's quota checks. Tokens in and
 * out go to {@code nexus_llm_usage_tokens_total{direction}} (no user or character label: both are
 * unbounded). Thread-safe.
 */
public final class Usage implements AutoCloseable {

  public static final long FLUSH_INTERVAL_MS = 1_000;

  /** How long {@link #close()} waits for a write under way before writing the rest. */
  static final long CLOSE_WAIT_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(Usage.class);

  private record Slot(String characterId, LocalDate day) {}

  private final Vertx vertx;
  private final UsageStore store;
  private final Blocking blocking;
  private final Clock clock;
  private final Counter tokensIn;
  private final Counter tokensOut;
  private final long timer;

  /** Not yet written, by user. Guarded by {@code this}. */
  private Map<String, Map<Slot, long[]>> pending = new HashMap<>();

  /** Being written now (one write at a time), by user; null when none. Guarded by {@code this}. */
  private Map<String, Map<Slot, long[]>> writing;

  private boolean closed;

  /** The last write failed (logged once until one works again). */
  private volatile boolean failing;

  public Usage(Vertx vertx, UsageStore store, Blocking blocking, MeterRegistry registry) {
    this(vertx, store, blocking, registry, Clock.systemUTC());
  }

  Usage(Vertx vertx, UsageStore store, Blocking blocking, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.blocking = blocking;
    this.clock = clock;
    this.tokensIn = tokens(registry, "in");
    this.tokensOut = tokens(registry, "out");
    this.timer = vertx.setPeriodic(FLUSH_INTERVAL_MS, id -> flush());
  }

  private static Counter tokens(MeterRegistry registry, String direction) {
    return Counter.builder("nexus.llm.usage.tokens")
        .description("LLM tokens counted against users (upstream usage, or estimated)")
        .tag("direction", direction)
        .register(registry);
  }

  /** Today in UTC, the day usage is counted under. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  public Clock clock() {
    return clock;
  }

  /**
   * Counts {@code in} prompt and {@code out} completion tokens against {@code userId}, for {@code
   * characterId} (null: a call about no character). Never blocks.
   */
  public void record(String userId, String characterId, long in, long out) {
    if (userId == null || (in <= 0 && out <= 0)) {
      return;
    }
    long safeIn = Math.max(0, in);
    long safeOut = Math.max(0, out);
    Slot slot = new Slot(characterId == null ? "" : characterId, today());
    synchronized (this) {
      long[] counts = pending.computeIfAbsent(userId, u -> new HashMap<>()).get(slot);
      if (counts == null) {
        pending.get(userId).put(slot, new long[] {safeIn, safeOut});
      } else {
        counts[0] += safeIn;
        counts[1] += safeOut;
      }
    }
    tokensIn.increment(safeIn);
    tokensOut.increment(safeOut);
  }

  /**
   * Counts {@code call} against {@code userId} when it ends: the upstream's usage when it gave one,
   * else an estimate of {@code request} and of the text streamed (a reply broken or cancelled
   * midway was still generated; a call cancelled before its first token counts its prompt). A cache
   * hit costs nothing and counts nothing. Returns the call.
   */
  public LlmCall track(String userId, String characterId, LlmRequest request, LlmCall call) {
    call.reply()
        .onComplete(
            done -> {
              if (done.succeeded()) {
                LlmReply reply = done.result();
                if (reply.cached()) {
                  return;
                }
                if (reply.promptTokens() != null) {
                  record(userId, characterId, reply.promptTokens(), reply.completionTokens());
                } else {
                  record(userId, characterId, estimate(request), estimate(reply.text()));
                }
              } else if (call.tokenCount() > 0 || call.isCancelled()) {
                // A caller who went away before the first token still had the prompt sent and read.
                record(userId, characterId, estimate(request), estimate(call.streamedText()));
              }
            });
    return call;
  }

  /** The estimated prompt tokens of a request, as the prompt builder budgets them. */
  public static long estimate(LlmRequest request) {
    long tokens = 0;
    for (ChatMessage message : request.messages()) {
      tokens += TokenEstimate.of(message);
    }
    return tokens;
  }

  private static long estimate(String text) {
    return text == null || text.isEmpty() ? 0 : TokenEstimate.of(text);
  }

  /** This node's counts of {@code userId} not yet in the database, for today and this month. */
  public synchronized Counts unwritten(String userId, LocalDate today) {
    return sum(pending.get(userId), today)
        .plus(sum(writing == null ? null : writing.get(userId), today));
  }

  /** This node's unwritten counts of {@code userId}, per character. */
  synchronized Map<String, Counts> unwrittenByCharacter(String userId, LocalDate today) {
    Map<String, Counts> out = new HashMap<>();
    for (Map<String, Map<Slot, long[]>> source :
        List.of(pending, writing == null ? Map.<String, Map<Slot, long[]>>of() : writing)) {
      Map<Slot, long[]> slots = source.get(userId);
      if (slots != null) {
        slots.forEach(
            (slot, counts) ->
                out.merge(slot.characterId(), counts(slot, counts, today), Counts::plus));
      }
    }
    return out;
  }

  private static Counts sum(Map<Slot, long[]> slots, LocalDate today) {
    Counts total = Counts.NONE;
    if (slots != null) {
      for (Map.Entry<Slot, long[]> e : slots.entrySet()) {
        total = total.plus(counts(e.getKey(), e.getValue(), today));
      }
    }
    return total;
  }

  private static Counts counts(Slot slot, long[] counts, LocalDate today) {
    boolean isToday = slot.day().equals(today);
    boolean thisMonth =
        slot.day().getYear() == today.getYear() && slot.day().getMonth() == today.getMonth();
    return new Counts(
        isToday ? counts[0] : 0,
        isToday ? counts[1] : 0,
        thisMonth ? counts[0] : 0,
        thisMonth ? counts[1] : 0);
  }

  /** Writes what was counted so far on a database worker; a failure keeps it for the next time. */
  public Future<Void> flush() {
    Map<String, Map<Slot, long[]>> batch;
    synchronized (this) {
      if (writing != null || pending.isEmpty()) {
        return Future.succeededFuture();
      }
      batch = pending;
      writing = batch;
      pending = new HashMap<>();
    }
    return blocking
        .run(
            () -> {
              store.add(deltas(batch));
              return null;
            })
        .<Void>mapEmpty()
        .onComplete(
            written -> {
              synchronized (this) {
                writing = null;
                if (written.failed()) {
                  putBack(batch);
                }
              }
              // one line when writing starts to fail and one when it works again, not one a second
              if (written.failed() && !failing) {
                failing = true;
                LOG.warn(
                    "LLM usage not written, kept and tried again each second", written.cause());
              } else if (written.succeeded() && failing) {
                failing = false;
                LOG.info("LLM usage written again");
              }
            });
  }

  private void putBack(Map<String, Map<Slot, long[]>> batch) {
    batch.forEach(
        (user, slots) ->
            slots.forEach(
                (slot, counts) -> {
                  long[] mine =
                      pending.computeIfAbsent(user, u -> new HashMap<>()).putIfAbsent(slot, counts);
                  if (mine != null) {
                    mine[0] += counts[0];
                    mine[1] += counts[1];
                  }
                }));
  }

  private static List<Delta> deltas(Map<String, Map<Slot, long[]>> batch) {
    List<Delta> out = new ArrayList<>();
    batch.forEach(
        (user, slots) ->
            slots.forEach(
                (slot, counts) ->
                    out.add(
                        new Delta(user, slot.day(), slot.characterId(), counts[0], counts[1]))));
    return out;
  }

  /**
   * Stops the timer and writes what is left, on the calling thread (blocking: the server calls it
   * while shutting down, before the database closes). Later calls do nothing.
   */
  @Override
  public void close() {
    Map<String, Map<Slot, long[]>> rest;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    vertx.cancelTimer(timer);
    long deadline = System.nanoTime() + CLOSE_WAIT_MS * 1_000_000;
    while (true) {
      synchronized (this) {
        if (writing == null || System.nanoTime() > deadline) {
          rest = pending;
          pending = new HashMap<>();
          break;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        synchronized (this) {
          rest = pending;
          pending = new HashMap<>();
        }
        break;
      }
    }
    try {
      store.add(deltas(rest));
    } catch (SQLException e) {
      LOG.error("LLM usage of {} user(s) could not be written at shutdown", rest.size(), e);
    }
  }
}
