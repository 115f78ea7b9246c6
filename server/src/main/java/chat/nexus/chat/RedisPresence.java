package chat.nexus.chat;

import chat.nexus.redis.RedisScript;
import chat.nexus.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence across the nodes sharing a Redis. Each node counts its own sockets ({@link
 * LocalPresence}) and tells Redis only when a user comes or goes on this node: a room hash counts,
 * per user, the nodes where the user is in the room; a set per node lists its (room, user) pairs.
 * Every node writes a heartbeat (PRESENCE_HEARTBEAT_MS) into a sorted set of nodes and sweeps it: a
 * node silent for PRESENCE_TTL_MS is removed with its pairs by one atomic script, and its users who
 * are on no other node go offline (announced to their rooms by the sweeping node). So a crashed
 * node's users go offline within TTL + one heartbeat. A node that was swept while alive (a long
 * pause) finds out at its next heartbeat and registers its users again. When Redis fails, answers
 * come from this node's own view.
 */
public final class RedisPresence implements Presence {

  private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);
  private static final RedisScript JOIN =
      RedisScript.resource(RedisPresence.class, "presence_join.lua");
  private static final RedisScript LEAVE =
      RedisScript.resource(RedisPresence.class, "presence_leave.lua");
  private static final RedisScript SWEEP =
      RedisScript.resource(RedisPresence.class, "presence_sweep.lua");
  private static final RedisScript MEMBERS =
      RedisScript.resource(RedisPresence.class, "presence_members.lua");

  /**
   * The start of every presence key. The braces are a Redis Cluster hash tag: the sweep of a dead
   * node changes its set and the hashes of all its rooms in one script, which a cluster runs only
   * on keys of one slot; so presence lives on one master (on a single server they are plain names).
   */
  static final String TAG = "{presence}:";

  private final Vertx vertx;
  private final SharedRedis redis;
  private final String nodeId;
  private final long ttlMs;
  private final LocalPresence local = new LocalPresence();

  /** Per (room, user): the last Redis update, so that a join and a leave reach Redis in order. */
  private final Map<String, Future<Boolean>> pending = new ConcurrentHashMap<>();

  private final long timer;
  private volatile Announcer announcer = (room, user, status) -> {};
  private volatile boolean registered;
  private volatile boolean beating = true;

  public RedisPresence(
      Vertx vertx, SharedRedis redis, String nodeId, long heartbeatMs, long ttlMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.nodeId = nodeId;
    this.ttlMs = ttlMs;
    this.timer = vertx.setPeriodic(1, heartbeatMs, id -> heartbeat());
  }

  @Override
  public void onChange(Announcer announcer) {
    this.announcer = announcer;
  }

  @Override
  public Future<Boolean> join(String roomId, String userId) {
    if (!local.joinNow(roomId, userId)) {
      return Future.succeededFuture(
          false); // another socket of the user is in the room on this node
    }
    return inOrder(
        roomId,
        userId,
        () ->
            redis
                .eval(JOIN, keys(roomId), List.of(pair(roomId, userId), userId))
                .map(count -> count.toLong() == 1)
                .otherwise(e -> true));
  }

  @Override
  public Future<Boolean> leave(String roomId, String userId) {
    if (!local.leaveNow(roomId, userId)) {
      return Future.succeededFuture(false);
    }
    return inOrder(
        roomId,
        userId,
        () ->
            redis
                .eval(LEAVE, keys(roomId), List.of(pair(roomId, userId), userId))
                .map(left -> left.toLong() == 0)
                .otherwise(e -> true));
  }

  @Override
  public Future<Members> members(String roomId, int limit) {
    return redis
        .eval(MEMBERS, List.of(roomKey(roomId)), List.of(limit))
        .map(
            reply -> {
              List<String> some = new ArrayList<>(reply.size() - 1);
              for (int i = 1; i < reply.size(); i++) {
                some.add(reply.get(i).toString());
              }
              return new Members(reply.get(0).toInteger(), some);
            })
        .otherwise(e -> local.membersNow(roomId, limit));
  }

  private Future<Boolean> inOrder(String roomId, String userId, Supplier<Future<Boolean>> update) {
    String key = pair(roomId, userId);
    Future<Boolean> next =
        pending.compute(
            key,
            (k, previous) ->
                previous == null ? update.get() : previous.transform(r -> update.get()));
    next.onComplete(r -> pending.remove(key, next));
    return next;
  }

  private void heartbeat() {
    if (!beating) {
      return;
    }
    long now = System.currentTimeMillis();
    redis
        .send(Request.cmd(Command.ZADD).arg(nodesKey()).arg(now).arg(nodeId))
        .onSuccess(
            added -> {
              if (added.toLong() == 1 && registered) {
                LOG.warn(
                    "presence: this node was taken for dead (no heartbeat for {} ms); registering its users again",
                    ttlMs);
                registerAgain();
              }
              registered = true;
            });
    sweep(now - ttlMs);
  }

  private Future<Response> sweep(long deadline) {
    return redis
        .eval(SWEEP, List.of(nodesKey()), List.of(deadline, redis.key(TAG)))
        .onSuccess(
            gone -> {
              for (Response pair : gone) {
                String[] parts = pair.toString().split("\n", 2);
                announcer.announce(parts[0], parts[1], "offline");
              }
            });
  }

  private void registerAgain() {
    for (String[] pair : local.pairs()) {
      redis
          .eval(JOIN, keys(pair[0]), List.of(pair(pair[0], pair[1]), pair[1]))
          .onSuccess(
              count -> {
                if (count.toLong() == 1) {
                  announcer.announce(pair[0], pair[1], "online");
                }
              });
    }
  }

  /** Stops the heartbeat, as a crashed node would (tests). */
  void stopHeartbeats() {
    beating = false;
    vertx.cancelTimer(timer);
  }

  /** Leaves the cluster: this node's users go offline at once (where they are on no other node). */
  @Override
  public Future<Void> close() {
    stopHeartbeats();
    return redis
        .send(Request.cmd(Command.ZADD).arg(nodesKey()).arg(0).arg(nodeId))
        .compose(v -> sweep(0))
        .mapEmpty();
  }

  private List<String> keys(String roomId) {
    return List.of(roomKey(roomId), redis.key(TAG + "node:" + nodeId));
  }

  private String roomKey(String roomId) {
    return redis.key(TAG + "room:" + roomId);
  }

  private String nodesKey() {
    return redis.key(TAG + "nodes");
  }

  private static String pair(String roomId, String userId) {
    return roomId + "\n" + userId;
  }
}
