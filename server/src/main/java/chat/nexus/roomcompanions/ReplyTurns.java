package chat.nexus.roomcompanions;

import chat.nexus.redis.RedisScript;
import chat.nexus.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node's turn it is to answer for a companion in a room, so that it gives one reply at a time
 * across the cluster: a Redis key per companion in a room, held by the answering node for at most
 * {@code leaseMs} (longer than any reply may take), given back when the reply ends. One node alone
 * needs none ({@link #ALONE}). While Redis does not answer, a node answers without the key rather
 * than leave people without a reply.
 */
interface ReplyTurns {

  /** True when this node may answer now; false while another node answers. */
  Future<Boolean> take(String roomId, String characterId);

  void giveBack(String roomId, String characterId);

  ReplyTurns ALONE =
      new ReplyTurns() {
        @Override
        public Future<Boolean> take(String roomId, String characterId) {
          return Future.succeededFuture(true);
        }

        @Override
        public void giveBack(String roomId, String characterId) {}
      };

  static ReplyTurns shared(SharedRedis redis, String nodeId, long leaseMs) {
    return new Shared(redis, nodeId, leaseMs);
  }

  /** The turns in Redis. */
  final class Shared implements ReplyTurns {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyTurns.class);

    /** Deletes the key only when this node holds it (a lease that ran out is another's now). */
    private static final RedisScript GIVE_BACK =
        new RedisScript(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end"
                + " return 0");

    private final SharedRedis redis;
    private final String nodeId;
    private final long leaseMs;

    Shared(SharedRedis redis, String nodeId, long leaseMs) {
      this.redis = redis;
      this.nodeId = nodeId;
      this.leaseMs = leaseMs;
    }

    private String key(String roomId, String characterId) {
      return redis.key("companion:turn:" + roomId + " " + characterId);
    }

    @Override
    public Future<Boolean> take(String roomId, String characterId) {
      return redis
          .send(
              Request.cmd(Command.SET)
                  .arg(key(roomId, characterId))
                  .arg(nodeId)
                  .arg("NX")
                  .arg("PX")
                  .arg(leaseMs))
          .map(answer -> answer != null)
          .otherwise(
              e -> {
                LOG.warn(
                    "companion turns: Redis did not answer, answering anyway: {}", e.toString());
                return true;
              });
    }

    @Override
    public void giveBack(String roomId, String characterId) {
      redis
          .eval(GIVE_BACK, List.of(key(roomId, characterId)), List.of(nodeId))
          .onFailure(
              e ->
                  LOG.warn(
                      "companion turns: not given back (it runs out by itself): {}", e.toString()));
    }
  }
}
