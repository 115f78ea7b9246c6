package chat.nexus.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real Redis at 127.0.0.1:6379 under a random key prefix for one test (other test runs share
 * that Redis), and a client to look at it. {@link #close()} deletes every key under the prefix.
 */
public final class TestRedis implements AutoCloseable {

  public static final String URL = "redis://127.0.0.1:6379";

  private final String prefix = "test-" + UUID.randomUUID().toString().substring(0, 12) + ":";
  private final Vertx vertx = Vertx.vertx();
  private final Redis client = Redis.createClient(vertx, URL);

  public TestRedis() {
    try {
      send(Request.cmd(Command.PING));
    } catch (RuntimeException e) {
      close();
      throw new AssertionError(
          "Redis is required at " + URL + " and does not answer (CI's .ci/run starts it): " + e, e);
    }
  }

  public String prefix() {
    return prefix;
  }

  /** REDIS_URL and REDIS_KEY_PREFIX for a test server. */
  public Map<String, String> env() {
    return Map.of("REDIS_URL", URL, "REDIS_KEY_PREFIX", prefix);
  }

  public Response send(Request request) {
    try {
      return client.send(request).await(Waits.TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("Redis did not answer " + request.command() + " in time", e);
    }
  }

  /** The keys under the prefix (whole names). */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response reply =
          send(
              Request.cmd(Command.SCAN)
                  .arg(cursor)
                  .arg("MATCH")
                  .arg(prefix + "*")
                  .arg("COUNT")
                  .arg(1000));
      cursor = reply.get(0).toString();
      reply.get(1).forEach(k -> keys.add(k.toString()));
    } while (!cursor.equals("0"));
    return keys;
  }

  @Override
  public void close() {
    try {
      for (String key : keys()) {
        send(Request.cmd(Command.DEL).arg(key));
      }
    } catch (RuntimeException e) {
      // keys left behind expire or are harmless under their random prefix
    } finally {
      client.close();
      vertx.close();
    }
  }
}
