package chat.nexus.ratelimit;

import chat.nexus.redis.RedisScript;
import chat.nexus.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Fixed windows in Redis, shared by every node: one Lua script (INCR + PEXPIRE, by EVALSHA) counts
 * and reads the window atomically, so a user's requests spread over several nodes are limited as
 * one. Fails (the caller fails open) when Redis does not answer within {@link
 * SharedRedis#COMMAND_TIMEOUT_MS}.
 */
public final class RedisRateLimiter implements RateLimiter {

  static final RedisScript SCRIPT =
      RedisScript.resource(RedisRateLimiter.class, "fixed_window.lua");

  private final SharedRedis redis;

  public RedisRateLimiter(SharedRedis redis) {
    this.redis = redis;
  }

  @Override
  public Future<Decision> acquire(Limit limit, String subject) {
    String key = redis.key("rl:" + limit.name() + ":" + subject);
    return redis
        .eval(SCRIPT, List.of(key), List.of(limit.windowMs()))
        .map(reply -> decide(limit, reply));
  }

  private static Decision decide(Limit limit, Response reply) {
    long count = reply.get(0).toLong();
    long ttlMs = reply.get(1).toLong();
    int remaining = (int) Math.max(0, limit.max() - count);
    return new Decision(
        count <= limit.max(), limit.max(), remaining, System.currentTimeMillis() + ttlMs);
  }
}
