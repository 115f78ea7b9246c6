package chat.nexus.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code ladder}'s verdict per stage and its result.json. */
final class LadderResult {
  private LadderResult() {}

  /**
   * Per-stage breaches of --max-p99-ms (ack, delivery), --max-error-rate (errors, lost) and
   * --max-ttft-p99-ms.
   */
  static List<String> verdict(Ladder ladder, Map<String, Object> row) {
    Common common = ladder.common;
    Double maxTtftP99Ms = ladder.maxTtftP99Ms;
    List<String> b = new ArrayList<>();
    String at = "stage " + row.get("stage") + " (" + row.get("users") + " users): ";
    if (common.maxP99Ms != null) {
      for (String col : List.of("ack_ms", "delivery_ms")) {
        Double p99 = p99(row.get(col));
        if (p99 != null && p99 > common.maxP99Ms)
          b.add(at + col.replace("_ms", "") + " p99 " + p99 + " ms > " + common.maxP99Ms);
      }
    }
    if (maxTtftP99Ms != null) {
      Double p99 = p99(row.get("ttft_ms"));
      if (p99 != null && p99 > maxTtftP99Ms)
        b.add(at + "ttft p99 " + p99 + " ms > " + maxTtftP99Ms);
    }
    if (common.maxErrorRate != null) {
      if (!(row.get("error_rate") instanceof Number n))
        b.add(at + "error_rate not measured (nothing attempted)");
      else if (n.doubleValue() > common.maxErrorRate)
        b.add(at + "error_rate " + n + " > " + common.maxErrorRate);
      if (row.get("lost_rate") instanceof Number n && n.doubleValue() > common.maxErrorRate) {
        b.add(at + "lost_rate " + n + " > " + common.maxErrorRate);
      }
    }
    return b;
  }

  private static Double p99(Object percentiles) {
    return percentiles instanceof Map<?, ?> m && m.get("p99") instanceof Number n
        ? n.doubleValue()
        : null;
  }

  /**
   * The whole run: the tool, the command (without the secret), the machine, the settings, every
   * stage's row, the breaches and the verdict.
   */
  static JsonObject json(
      Ladder ladder,
      Instant started,
      Mix plan,
      boolean minted,
      List<Map<String, Object>> rows,
      List<String> breaches) {
    Common common = ladder.common;
    JsonObject config = config(ladder, plan, minted);
    JsonArray stageRows = new JsonArray();
    rows.forEach(r -> stageRows.add(new JsonObject(new LinkedHashMap<>(r))));
    return new JsonObject()
        .put("tool", "nexus-loadtest ladder")
        .put(
            "title",
            ladder.title != null ? ladder.title : ladder.scenario + " ladder against " + common.url)
        .put("command", String.join(" ", Ladder.redacted(LoadTest.args)))
        .put("started", started.toString())
        .put("finished", Instant.now().toString())
        .put(
            "machine",
            new JsonObject()
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
                .put("java", System.getProperty("java.version")))
        .put("config", config)
        .put("stages", stageRows)
        .put("breaches", new JsonArray(breaches))
        .put("passed", breaches.isEmpty());
  }

  /** The run's settings, as given or defaulted. */
  private static JsonObject config(Ladder ladder, Mix plan, boolean minted) {
    Common common = ladder.common;
    return new JsonObject()
        .put("url", common.url)
        .put("scenario", ladder.scenario.name())
        .put("stages", new JsonArray(new ArrayList<>(ladder.stages)))
        .put("hold_s", ladder.hold.toMillis() / 1000.0)
        .put("warmup_s", ladder.warmup.toMillis() / 1000.0)
        .put("drain_s", ladder.drain.toMillis() / 1000.0)
        .put("ramp_per_s", common.ramp)
        .put("companion_share", plan.aiShare())
        .put("room_size", ladder.roomSize)
        .put("send_every_s", ladder.sendEvery.toMillis() / 1000.0)
        .put("ai_every_s", ladder.aiEvery.toMillis() / 1000.0)
        .put("payload", ladder.payload)
        .put("workers", common.workers)
        .put("transport", common.transport.name())
        .put("metrics_path", ladder.metricsPath)
        .put("auth", minted ? "minted JWT" : "guests")
        .put("character_id", ladder.characterId)
        .put("max_p99_ms", common.maxP99Ms)
        .put("max_error_rate", common.maxErrorRate)
        .put("max_ttft_p99_ms", ladder.maxTtftP99Ms)
        .put(
            "local_addresses",
            common.localAddresses == null
                ? null
                : new JsonArray(new ArrayList<>(common.localAddresses)));
  }
}
