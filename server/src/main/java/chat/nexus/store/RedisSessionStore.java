package chat.nexus.store;

import chat.nexus.redis.RedisScript;
import chat.nexus.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions in Redis: a hash {@code sess:<id>} (user, refresh token hash, expiry) and a key
 * {@code sessref:<refresh hash>} naming the session, both expiring with the session. Rotation and revocation
 * are Lua scripts, so two refreshes with one token cannot both win. A revoked session is deleted: an unknown
 * session is an ended one.
 */
public final class RedisSessionStore implements SessionStore {

  private static final RedisScript CREATE = RedisScript.resource(RedisSessionStore.class, "session_create.lua");
  private static final RedisScript ROTATE = RedisScript.resource(RedisSessionStore.class, "session_rotate.lua");
  private static final RedisScript REVOKE = RedisScript.resource(RedisSessionStore.class, "session_revoke.lua");

  private final SharedRedis redis;

  public RedisSessionStore(SharedRedis redis) {
    this.redis = redis;
  }

  private String session(String id) {
    return redis.key("sess:") + id;
  }

  private String ref(String hash) {
    return redis.key("sessref:") + hash;
  }

  @Override
  public Future<Void> create(String id, String userId, String refreshTokenHash, Instant expiresAt) {
    return redis.eval(CREATE, List.of(session(id), ref(refreshTokenHash)),
        List.of(id, userId, refreshTokenHash, expiresAt.toEpochMilli())).mapEmpty();
  }

  @Override
  public Future<Optional<Session>> findById(String id) {
    return redis.send(Request.cmd(Command.HMGET).arg(session(id)).arg("user").arg("expires")).map(reply -> {
      Response user = reply.get(0);
      Response expires = reply.get(1);
      if (user == null || expires == null) {
        return Optional.empty();
      }
      return Optional.of(new Session(id, user.toString(), Instant.ofEpochMilli(expires.toLong()), false));
    });
  }

  @Override
  public Future<Optional<Session>> rotate(String oldHash, String newHash, Instant expiresAt) {
    return redis.eval(ROTATE, List.of(ref(oldHash), ref(newHash)),
        List.of(redis.key("sess:"), oldHash, newHash, expiresAt.toEpochMilli(), System.currentTimeMillis())).map(reply ->
        reply == null || reply.size() < 2
            ? Optional.<Session>empty()
            : Optional.of(new Session(reply.get(0).toString(), reply.get(1).toString(), expiresAt, false)));
  }

  @Override
  public Future<Void> revoke(String id) {
    return redis.eval(REVOKE, List.of(session(id)), List.of(redis.key("sessref:"))).mapEmpty();
  }
}
