package chat.nexus.roomcompanions;

import chat.nexus.errors.ApiException;
import chat.nexus.errors.ErrorCode;
import chat.nexus.llm.LlmOptions;
import chat.nexus.redis.SharedRedis;
import chat.nexus.socketio.SocketIoServer;
import chat.nexus.store.Message;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * The mentions of companions in rooms and their turns: each mention joins its companion's line
 * ({@link Lanes}; a refusal when it may not), the room hears the line ({@code
 * room:companion:queue}), and each turn, once no other node answers for the same companion in the
 * room ({@link ReplyTurns}), is one reply ({@link GroupReplies}).
 */
final class CompanionTurns {

  /** A reply of the same companion in the room on another node is waited for this long at most. */
  static final long TURN_WAIT_MS = 60_000;

  /** How often a mention waiting for another node's reply looks again. */
  static final long TURN_LOOK_MS = 250;

  /** What a turn may take beyond the LLM call's own timeouts (prompt, store, a slow Redis). */
  static final long TURN_MARGIN_MS = 30_000;

  /** Seconds to wait before calling again when companions are busy on this node. */
  static final long BUSY_RETRY_S = 5;

  private final Vertx vertx;
  private final SocketIoServer io;
  private final GroupReplies replies;
  private final Function<String, Future<List<RoomCompanion>>> companions;
  private final Lanes lanes = new Lanes();
  private volatile ReplyTurns turns = ReplyTurns.ALONE;

  CompanionTurns(
      Vertx vertx,
      SocketIoServer io,
      GroupReplies replies,
      Function<String, Future<List<RoomCompanion>>> companions) {
    this.vertx = vertx;
    this.io = io;
    this.replies = replies;
    this.companions = companions;
  }

  /** Turns shared through Redis, held at most as long as an LLM call may take. */
  void share(SharedRedis redis, String nodeId, LlmOptions llm) {
    long lease =
        llm.queueTimeoutMs() + llm.totalTimeoutMs() + TypingWatch.MAX_HOLD_MS + TURN_MARGIN_MS;
    this.turns = ReplyTurns.shared(redis, nodeId, lease);
  }

  /** A stored message of {@code askerName} that calls these of the room's companions. */
  void called(Message message, String askerName, List<RoomCompanion> called) {
    for (RoomCompanion companion : called) {
      Lanes.Mention mention =
          new Lanes.Mention(
              message.roomId(),
              companion.characterId(),
              message.id(),
              message.userId(),
              askerName,
              message.text());
      Lanes.Offered offered = lanes.offer(mention);
      switch (offered.offer()) {
        case START -> {
          queue(offered.state());
          turn(mention);
        }
        case QUEUED -> queue(offered.state());
        case ALREADY_QUEUED ->
            replies.refuse(
                mention,
                new ApiException(
                    ErrorCode.CONFLICT,
                    companion.name() + " already has a question of yours: wait for the answer"));
        case QUEUE_FULL ->
            replies.refuse(
                mention,
                new ApiException(
                    ErrorCode.RATE_LIMITED,
                    companion.name() + " has too many questions waiting: ask again later",
                    (long) Lanes.MAX_WAITING));
        case BUSY ->
            replies.refuse(
                mention,
                new ApiException(
                    ErrorCode.AI_BUSY, "companions are busy here: ask again later", BUSY_RETRY_S));
      }
    }
  }

  /** Answers the mention once no other node answers for its companion, then the next in line. */
  private void turn(Lanes.Mention mention) {
    myTurn(mention, System.nanoTime() + TURN_WAIT_MS * 1_000_000)
        .compose(
            mine -> {
              if (!mine) {
                replies.refuse(
                    mention,
                    new ApiException(
                        ErrorCode.AI_BUSY,
                        "the companion is still answering someone else here: ask again later",
                        TURN_WAIT_MS / 1000));
                return Future.<Void>succeededFuture();
              }
              return answer(mention)
                  .onComplete(done -> turns.giveBack(mention.roomId(), mention.characterId()));
            })
        .onComplete(
            done -> {
              Lanes.Next next = lanes.finished(mention);
              queue(next.state());
              if (next.mention() != null) {
                turn(next.mention());
              }
            });
  }

  private Future<Boolean> myTurn(Lanes.Mention mention, long deadline) {
    return turns
        .take(mention.roomId(), mention.characterId())
        .compose(
            mine -> {
              if (mine || System.nanoTime() - deadline >= 0) {
                return Future.succeededFuture(mine);
              }
              Promise<Void> later = Promise.promise();
              vertx.setTimer(TURN_LOOK_MS, id -> later.complete());
              return later.future().compose(v -> myTurn(mention, deadline));
            });
  }

  /** One reply, unless the companion left the room while the mention waited. */
  private Future<Void> answer(Lanes.Mention mention) {
    return companions
        .apply(mention.roomId())
        .compose(
            here -> {
              for (RoomCompanion c : here) {
                if (c.characterId().equals(mention.characterId())) {
                  return replies.answer(mention, c, here);
                }
              }
              replies.refuse(mention, ApiException.notFound("this companion has left the room"));
              return Future.<Void>succeededFuture();
            });
  }

  private void queue(JsonObject state) {
    if (state != null) {
      io.to(state.getString("roomId")).emit("room:companion:queue", state);
    }
  }
}
