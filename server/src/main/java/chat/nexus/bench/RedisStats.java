package chat.nexus.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Counters of a Redis server, read with INFO: its CPU time, bytes out, and calls per command. Two
 * snapshots give what a measured window cost Redis.
 */
final class RedisStats implements AutoCloseable {

  private static final long TIMEOUT_S = 10;

  private final Redis client;

  RedisStats(Vertx vertx, String url) {
    this.client = Redis.createClient(vertx, url);
  }

  /** The numeric fields of INFO (cpu, stats, commandstats: "cmdstat_publish.calls"). */
  Map<String, Double> snapshot() throws Exception {
    Response info =
        client.send(Request.cmd(Command.INFO).arg("all")).await(TIMEOUT_S, TimeUnit.SECONDS);
    return parse(info.toString());
  }

  /** Sends a command and waits for its answer, e.g. PUBSUB NUMPAT. */
  Response send(Request request) throws Exception {
    return client.send(request).await(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** PUBSUB NUMSUB of one channel. */
  long subscribers(String channel) throws Exception {
    return send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(channel)).get(1).toLong();
  }

  /** PUBSUB SHARDNUMSUB, summed over the channels. */
  long shardSubscribers(List<String> channels) throws Exception {
    Request request = Request.cmd(Command.PUBSUB).arg("SHARDNUMSUB");
    channels.forEach(request::arg);
    Response answer = send(request);
    long sum = 0;
    for (int i = 1; i < answer.size(); i += 2) {
      sum += answer.get(i).toLong();
    }
    return sum;
  }

  static Map<String, Double> parse(String info) {
    Map<String, Double> values = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (line.startsWith("#") || colon < 0) {
        continue;
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1);
      if (name.startsWith("cmdstat_")) {
        for (String field : value.split(",")) {
          String[] pair = field.split("=", 2);
          number(pair[1]).ifPresent(v -> values.put(name + "." + pair[0], v));
        }
      } else {
        number(value).ifPresent(v -> values.put(name, v));
      }
    }
    return values;
  }

  private static Optional<Double> number(String text) {
    try {
      return Optional.of(Double.parseDouble(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Calls of the commands whose names start with one of the prefixes, between two snapshots. */
  static Map<String, Long> calls(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Long> calls = new HashMap<>();
    after.forEach(
        (name, value) -> {
          if (name.startsWith("cmdstat_") && name.endsWith(".calls")) {
            long delta = (long) (value - before.getOrDefault(name, 0.0));
            if (delta > 0) {
              calls.put(name.substring(8, name.length() - 6), delta);
            }
          }
        });
    return calls;
  }

  @Override
  public void close() {
    client.close();
  }
}
